"""Pure stateful consumers: the per-frame exercise session, a set's analysis, recognition,
what to show and say, and the programme's progression. Still no camera, model or file."""

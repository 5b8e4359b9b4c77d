"""The edges: frame sources, the pose model, landmark caches, files and the session store."""

"""The synthetic patient: a body model, motion scripts with exact truth, and a renderer."""

from repcam.synthetic.body import Camera
from repcam.synthetic.clip import Disturbance, SyntheticClip, synthesize
from repcam.synthetic.motions import CAMERA_SIDE, LOOK_ALIKES, MOTIONS, RepPlan, fatigued

__all__ = ["CAMERA_SIDE", "LOOK_ALIKES", "MOTIONS", "Camera", "Disturbance", "RepPlan",
           "SyntheticClip", "fatigued", "synthesize"]

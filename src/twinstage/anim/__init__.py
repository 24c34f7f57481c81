"""Animation, pure numpy: keyframe sampling (:mod:`sampling`) and poses
(:mod:`pose`: local TRS from rest values and channels, world matrices by hierarchy
level). Tracks, clips, the mixer, skinning and retargeting build on these.
"""

"""The scene description shared by every layer: plain, typed, Qt- and GL-free.

:mod:`scene` holds the glTF concepts (nodes, meshes, materials, skins, cameras,
lights, animations) as frozen dataclasses pointing at each other by index;
:mod:`vrm` and :mod:`humanoid` the VRM avatar data; :mod:`conventions` every axis
and quaternion-order convention; :mod:`transform` the maths on them.
"""

from twinstage.model.scene import (
    Animation,
    AnimationSampler,
    Asset,
    Camera,
    Channel,
    Image,
    Light,
    Material,
    Mesh,
    Node,
    Primitive,
    Sampler,
    Scene,
    Skin,
    Texture,
    TextureRef,
    TextureTransform,
)

__all__ = [
    "Animation", "AnimationSampler", "Asset", "Camera", "Channel", "Image", "Light",
    "Material", "Mesh", "Node", "Primitive", "Sampler", "Scene", "Skin", "Texture",
    "TextureRef", "TextureTransform",
]

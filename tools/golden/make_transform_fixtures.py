#!/usr/bin/python3
"""Golden fixture for Loupe's image transforms (data/src/test/java/dev/loupe/data/transform/TransformGoldenTest.java).

Runs torchvision 0.14's tensor code paths (torchvision.transforms.functional on float32 (C, H, W)
tensors in [0, 1], as after ToTensor) with fixed parameters, and writes
data/src/test/resources/golden/transforms.safetensors holding:
  in.rgb (3, 11, 14), in.grey (1, 9, 12)   torch.rand inputs; in.rgb has some grey pixels (r = g = b)
                                           and some ties between two channels, to reach every branch
                                           of the rgb -> hsv conversion.
  resize.<mode>[_aa].<case>               F.resize(x, size, mode, antialias) for mode bilinear / bicubic:
                                           down  rgb -> (5, 7)        up     rgb -> (17, 23)
                                           short rgb, size [8] (shorter side 8 -> (8, 10))
                                           mixed rgb -> (6, 29)       grey   grey -> (13, 5)
  center_crop.rgb     F.center_crop(rgb, [7, 9]) (top = round(2.0), left = round(2.5) = 2: half to even)
  center_crop.grey    F.center_crop(grey, [4, 5])
  resized_crop.<mode> F.resized_crop(rgb, top 2, left 3, height 7, width 9, [6, 6], mode)
  hflip.rgb, hflip.grey
  normalize.rgb       F.normalize(rgb, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225])
  normalize.grey      F.normalize(grey, [0.2860], [0.3530])
  grayscale.rgb1, grayscale.rgb3   F.rgb_to_grayscale(rgb, 1 / 3)
  solarize.rgb, solarize.grey      F.solarize(x, 0.5)
  blur.rgb            F.gaussian_blur(rgb, kernel_size [5, 3], sigma [1.2, 0.7])   ([x, y] order)
  blur.grey           F.gaussian_blur(grey, [3, 3], [0.5, 0.5])
  brightness.<f>.rgb/.grey  F.adjust_brightness for f in 0.6, 1.3
  contrast.<f>.rgb/.grey    F.adjust_contrast   for f in 0.5, 1.7
  saturation.<f>.rgb        F.adjust_saturation for f in 0.3, 1.6 (a no-op on grey, tested in Java)
  hue.<f>.rgb               F.adjust_hue        for f in 0.1, -0.35, 0.5
Factor names use 'm' for minus and 'p' for the point: 0.6 -> 0p6, -0.35 -> m0p35.
Run:  /usr/bin/python3 tools/golden/make_transform_fixtures.py   (Debian python3-torch 1.13, torchvision 0.14)
"""
import os
import sys

import numpy as np
import torch
import torchvision
import torchvision.transforms.functional as F
from torchvision.transforms import InterpolationMode

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_writer import save  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data", "src", "test", "resources",
                   "golden", "transforms.safetensors")
MODES = {"bilinear": InterpolationMode.BILINEAR, "bicubic": InterpolationMode.BICUBIC}


def npf(t):
    return t.detach().contiguous().numpy().astype(np.float32)


def key(f):
    return str(f).replace("-", "m").replace(".", "p")


def inputs():
    torch.manual_seed(11)
    rgb = torch.rand(3, 11, 14)
    rgb[:, 0, 0:4] = rgb[0, 0, 0:4]             # grey pixels: max == min
    rgb[1, 1, 0:4] = rgb[0, 1, 0:4]             # r == g ties
    rgb[2, 2, 0:4] = rgb[1, 2, 0:4]             # g == b ties
    rgb[0, 3, 0:2] = 0.0
    rgb[:, 4, 0] = 1.0
    grey = torch.rand(1, 9, 12)
    return rgb, grey


def main():
    rgb, grey = inputs()
    out = {"in.rgb": npf(rgb), "in.grey": npf(grey)}
    cases = {"down": (rgb, [5, 7]), "up": (rgb, [17, 23]), "short": (rgb, [8]), "mixed": (rgb, [6, 29]),
             "grey": (grey, [13, 5])}
    for name, mode in MODES.items():
        for aa in (False, True):
            for case, (x, size) in cases.items():
                y = F.resize(x, size, interpolation=mode, antialias=aa)
                out[f"resize.{name}{'_aa' if aa else ''}.{case}"] = npf(y)
        out[f"resized_crop.{name}"] = npf(F.resized_crop(rgb, 2, 3, 7, 9, [6, 6], interpolation=mode))
    out["center_crop.rgb"] = npf(F.center_crop(rgb, [7, 9]))
    out["center_crop.grey"] = npf(F.center_crop(grey, [4, 5]))
    out["hflip.rgb"], out["hflip.grey"] = npf(F.hflip(rgb)), npf(F.hflip(grey))
    out["normalize.rgb"] = npf(F.normalize(rgb, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]))
    out["normalize.grey"] = npf(F.normalize(grey, [0.2860], [0.3530]))
    out["grayscale.rgb1"] = npf(F.rgb_to_grayscale(rgb, 1))
    out["grayscale.rgb3"] = npf(F.rgb_to_grayscale(rgb, 3))
    out["solarize.rgb"], out["solarize.grey"] = npf(F.solarize(rgb, 0.5)), npf(F.solarize(grey, 0.5))
    out["blur.rgb"] = npf(F.gaussian_blur(rgb, [5, 3], [1.2, 0.7]))
    out["blur.grey"] = npf(F.gaussian_blur(grey, [3, 3], [0.5, 0.5]))
    for f in (0.6, 1.3):
        out[f"brightness.{key(f)}.rgb"] = npf(F.adjust_brightness(rgb, f))
        out[f"brightness.{key(f)}.grey"] = npf(F.adjust_brightness(grey, f))
    for f in (0.5, 1.7):
        out[f"contrast.{key(f)}.rgb"] = npf(F.adjust_contrast(rgb, f))
        out[f"contrast.{key(f)}.grey"] = npf(F.adjust_contrast(grey, f))
    for f in (0.3, 1.6):
        out[f"saturation.{key(f)}.rgb"] = npf(F.adjust_saturation(rgb, f))
    for f in (0.1, -0.35, 0.5):
        out[f"hue.{key(f)}.rgb"] = npf(F.adjust_hue(rgb, f))
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    save(OUT, out, metadata={"script": "tools/golden/make_transform_fixtures.py", "torch": torch.__version__,
                             "torchvision": torchvision.__version__})
    print(f"wrote {len(out)} tensors to {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()

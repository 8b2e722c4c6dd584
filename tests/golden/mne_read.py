#!/usr/bin/python3
"""Reads an EDF/BDF file with MNE-Python (Debian's python3-mne) for eegd's tests.

Usage: mne_read.py FILE [VALUES_OUT]

Prints JSON: sfreq, ch_names, ch_types, n_times, annotations (onset, duration,
description) and the warnings MNE gave. With VALUES_OUT, writes every non-stim
channel's values in microvolts as float64 little-endian, channel after channel.
"""
import json
import sys
import warnings

import mne
import numpy as np


def main():
    path = sys.argv[1]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if path.lower().endswith(".bdf"):
            raw = mne.io.read_raw_bdf(path, preload=True, verbose="error")
        else:
            raw = mne.io.read_raw_edf(path, preload=True, verbose="error")
    types = raw.get_channel_types()
    data = raw.get_data()
    if len(sys.argv) > 2:
        keep = [i for i, t in enumerate(types) if t != "stim"]
        (data[keep] * 1e6).astype("<f8").tofile(sys.argv[2])
    ann = raw.annotations
    print(json.dumps({
        "sfreq": raw.info["sfreq"],
        "ch_names": raw.ch_names,
        "ch_types": types,
        "n_times": int(raw.n_times),
        "annotations": [{"onset": float(o), "duration": float(d), "description": str(t)}
                        for o, d, t in zip(ann.onset, ann.duration, ann.description)],
        "warnings": [str(w.message) for w in caught],
    }))


if __name__ == "__main__":
    main()

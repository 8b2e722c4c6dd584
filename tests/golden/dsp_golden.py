#!/usr/bin/python3
"""Reference numbers for the DSP tests, computed with Debian's scipy.

Run by the C++ tests at test time (always with /usr/bin/python3). Prints named
arrays as `name rows cols` followed by one line of values (%.17g, so every
double survives the round trip exactly). Several commands may be given,
separated by a lone `,`; the arrays of the i-th are then named `i:name`
(importing scipy costs seconds, so tests ask for all their cases at once).

Commands:
  butter ORDER BTYPE FS F1 [F2]         sos and sosfilt_zi of scipy.signal.butter
  cheby1 ORDER RP HZ FS                 sos of scipy.signal.cheby1 lowpass
  notch HZ Q FS                         scipy.signal.iirnotch as one sos row
  sosfilt C N SEED STEADY FS DESIGN...  x (float32-exact input) and sosfilt(sos, x)
      DESIGN is a list of `butter ORDER BTYPE F1 [F2]` and `notch HZ Q`; STEADY=1
      starts from sosfilt_zi(sos) * x[0].
  openbci N STEADY DESIGN...            like sosfilt, on the first N frames of the
      OpenBCI recording in ../shared/data (8 channels, 250 Hz)
  decimate C N SEED Q FS                x and decimate(x, Q, ftype='iir', zero_phase=False)
  welch C N SEED FS NPERSEG NOVERLAP    x, f and welch(x, fs, nperseg, noverlap) per channel
"""
import hashlib
import os
import sys

import numpy as np
from scipy import signal


PREFIX = ""


def emit(name, a):
    a = np.atleast_2d(np.asarray(a, dtype=np.float64))
    print(PREFIX + name, a.shape[0], a.shape[1])
    print(" ".join("%.17g" % v for v in a.ravel()))


def test_signal(channels, frames, seed, fs):
    """Alpha-band sine, mains, white noise and a large per-channel DC offset,
    rounded to float32 because that is what packets carry."""
    rng = np.random.default_rng(seed)
    t = np.arange(frames) / fs
    x = np.empty((frames, channels))
    for c in range(channels):
        x[:, c] = (20 * np.sin(2 * np.pi * (9 + c % 5) * t) + 5 * np.sin(2 * np.pi * 50 * t)
                   + 10 * rng.standard_normal(frames) + 1000.0 * (c + 1))
    return x.astype(np.float32).astype(np.float64)


def parse_design(tokens, fs):
    sos = []
    i = 0
    while i < len(tokens):
        if tokens[i] == "butter":
            order, btype = int(tokens[i + 1]), tokens[i + 2]
            if btype in ("bandpass", "bandstop"):
                wn = [float(tokens[i + 3]), float(tokens[i + 4])]
                i += 5
            else:
                wn = float(tokens[i + 3])
                i += 4
            sos.append(signal.butter(order, wn, btype, fs=fs, output="sos"))
        elif tokens[i] == "notch":
            b, a = signal.iirnotch(float(tokens[i + 1]), float(tokens[i + 2]), fs=fs)
            sos.append(np.concatenate([b, a])[None, :])
            i += 3
        else:
            raise SystemExit("unknown design " + tokens[i])
    return np.concatenate(sos)


def filtered(sos, x, steady):
    if steady:
        zi = signal.sosfilt_zi(sos)[:, :, None] * x[0][None, None, :]
        return signal.sosfilt(sos, x, axis=0, zi=zi)[0]
    return signal.sosfilt(sos, x, axis=0)


OPENBCI = "OpenBCI_GUI-v6-blinks-jawClench-alpha.txt"
OPENBCI_SHA256 = "cc5f303bba1270a9a236b42497dfec531c8a1e91d8540eab1e097848940395d3"


def openbci(frames):
    # The repository sits beside ../shared (see docs/developing.md).
    default = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "data")
    path = os.path.join(os.environ.get("EEGD_SHARED_DATA", default), OPENBCI)
    raw = open(path, "rb").read()
    if hashlib.sha256(raw).hexdigest() != OPENBCI_SHA256:
        raise SystemExit("sha256 mismatch for " + path)
    rows = [line for line in raw.decode().splitlines() if line and not line.startswith("%")][1:frames + 1]
    x = np.array([[float(v) for v in row.split(",")[1:9]] for row in rows])
    return x.astype(np.float32).astype(np.float64)


def run(cmd, args):
    if cmd == "butter":
        order, btype, fs = int(args[0]), args[1], float(args[2])
        wn = [float(a) for a in args[3:]]
        sos = signal.butter(order, wn if len(wn) == 2 else wn[0], btype, fs=fs, output="sos")
        emit("sos", sos)
        emit("zi", signal.sosfilt_zi(sos).reshape(-1, 2))
    elif cmd == "cheby1":
        emit("sos", signal.cheby1(int(args[0]), float(args[1]), float(args[2]), "lowpass",
                                  fs=float(args[3]), output="sos"))
    elif cmd == "notch":
        b, a = signal.iirnotch(float(args[0]), float(args[1]), fs=float(args[2]))
        emit("sos", np.concatenate([b, a]))
    elif cmd == "sosfilt":
        channels, frames, seed, steady, fs = int(args[0]), int(args[1]), int(args[2]), args[3] == "1", float(args[4])
        sos = parse_design(args[5:], fs)
        x = test_signal(channels, frames, seed, fs)
        emit("sos", sos)
        emit("x", x)
        emit("y", filtered(sos, x, steady))
    elif cmd == "openbci":
        frames, steady = int(args[0]), args[1] == "1"
        sos = parse_design(args[2:], 250.0)
        x = openbci(frames)
        emit("x", x)
        emit("y", filtered(sos, x, steady))
    elif cmd == "decimate":
        channels, frames, seed, q, fs = int(args[0]), int(args[1]), int(args[2]), int(args[3]), float(args[4])
        x = test_signal(channels, frames, seed, fs)
        emit("x", x)
        emit("y", signal.decimate(x, q, ftype="iir", zero_phase=False, axis=0))
    elif cmd == "welch":
        channels, frames, seed, fs = int(args[0]), int(args[1]), int(args[2]), float(args[3])
        nperseg, noverlap = int(args[4]), int(args[5])
        x = test_signal(channels, frames, seed, fs)
        f, p = signal.welch(x, fs=fs, nperseg=nperseg, noverlap=noverlap, axis=0)
        emit("x", x)
        emit("f", f)
        emit("psd", p)  # rows: bins, cols: channels
    else:
        raise SystemExit("unknown command " + cmd)


def main(argv):
    global PREFIX
    commands = [[]]
    for token in argv:
        if token == ",":
            commands.append([])
        else:
            commands[-1].append(token)
    for i, command in enumerate(commands):
        PREFIX = "%d:" % i if len(commands) > 1 else ""
        run(command[0], command[1:])


if __name__ == "__main__":
    main(sys.argv[1:])

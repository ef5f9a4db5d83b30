package dev.kiln.transforms.image;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.color.ICC_Profile;
import java.nio.charset.StandardCharsets;

/**
 * ICC profile helpers: a readable description, and whether a profile is (close enough to) sRGB that
 * converting from it would only burn CPU. Most camera and web JPEGs embed some sRGB profile, and
 * running {@code ColorConvertOp} on them costs seconds per 12 MP image for no visible change.
 */
final class IccProfiles {
  private static final int SIG_DESC = 0x64657363; // 'desc'
  private static final int SIG_MLUC = 0x6D6C7563; // 'mluc'
  private static final int SIG_RXYZ = 0x7258595A; // 'rXYZ'
  private static final int SIG_GXYZ = 0x6758595A; // 'gXYZ'
  private static final int SIG_BXYZ = 0x6258595A; // 'bXYZ'
  private static final int SIG_RTRC = 0x72545243; // 'rTRC'

  private static final double[][] SRGB_COLORANTS =
      colorants(ICC_Profile.getInstance(ColorSpace.CS_sRGB));

  private IccProfiles() {}

  /** Parses profile bytes; null if they are not a usable profile. */
  static ICC_Profile parse(byte[] data) {
    if (data == null || data.length < 132) {
      return null;
    }
    try {
      return ICC_Profile.getInstance(data);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The profile's 'desc' text (v2 textDescription or v4 first mluc record), or null. */
  static String description(ICC_Profile profile) {
    if (profile == null) {
      return null;
    }
    try {
      byte[] d = profile.getData(SIG_DESC);
      if (d == null || d.length < 12) {
        return null;
      }
      int type = Bytes.be32(d, 0);
      if (type == SIG_DESC) {
        int len = Bytes.be32(d, 8);
        if (len <= 0 || 12 + len > d.length) {
          return null;
        }
        return new String(d, 12, len, StandardCharsets.ISO_8859_1).replace("\0", "").trim();
      }
      if (type == SIG_MLUC && d.length >= 28) {
        int len = Bytes.be32(d, 20);
        int off = Bytes.be32(d, 24);
        if (len <= 0 || off < 0 || off + len > d.length) {
          return null;
        }
        return new String(d, off, len, StandardCharsets.UTF_16BE).replace("\0", "").trim();
      }
    } catch (RuntimeException e) {
      return null;
    }
    return null;
  }

  /** Description of a colour space's profile if it is an ICC space, else null. */
  static String description(ColorSpace cs) {
    return cs instanceof ICC_ColorSpace ? description(((ICC_ColorSpace) cs).getProfile()) : null;
  }

  /**
   * True for profiles whose conversion to sRGB is (visually) the identity: the JDK's own sRGB,
   * anything describing itself as sRGB (IEC 61966-2.1 v2 and v4 variants, "sRGB built-in"), and RGB
   * profiles whose primaries match sRGB's within 0.002 (renamed copies of sRGB).
   */
  static boolean isSrgbEquivalent(ICC_Profile profile) {
    if (profile == null) {
      return true;
    }
    if (profile.getColorSpaceType() != ColorSpace.TYPE_RGB) {
      return false;
    }
    String desc = description(profile);
    if (desc != null && desc.toLowerCase(java.util.Locale.ROOT).startsWith("srgb")) {
      return true;
    }
    double[][] c = colorants(profile);
    if (c == null) {
      return false;
    }
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        if (Math.abs(c[i][j] - SRGB_COLORANTS[i][j]) > 0.002) {
          return false;
        }
      }
    }
    // Same primaries with another tone curve (e.g. linear sRGB) is not sRGB: compare the red
    // curve at mid-gray, where sRGB gives 0.214 and gamma 2.2 gives 0.218.
    double mid = trcAt(profile, SIG_RTRC, 0.5);
    return Math.abs(mid - 0.2140) < 0.01;
  }

  /** Evaluates a curv/para tone curve tag at {@code x}; NaN if absent or unknown. */
  static double trcAt(ICC_Profile p, int sig, double x) {
    try {
      byte[] d = p.getData(sig);
      if (d == null || d.length < 12) {
        return Double.NaN;
      }
      int type = Bytes.be32(d, 0);
      if (type == 0x63757276 /* curv */) {
        int n = Bytes.be32(d, 8);
        if (n == 0) {
          return x;
        }
        if (n == 1) {
          return Math.pow(x, Bytes.be16(d, 12) / 256.0);
        }
        if (12 + 2 * n > d.length) {
          return Double.NaN;
        }
        double pos = x * (n - 1);
        int i = (int) Math.floor(pos);
        int j = Math.min(n - 1, i + 1);
        double f = pos - i;
        return ((1 - f) * Bytes.be16(d, 12 + 2 * i) + f * Bytes.be16(d, 12 + 2 * j)) / 65535.0;
      }
      if (type == 0x70617261 /* para */) {
        int fn = Bytes.be16(d, 8);
        int[] counts = {1, 3, 4, 5, 7};
        if (fn < 0 || fn > 4 || 12 + 4 * counts[fn] > d.length) {
          return Double.NaN;
        }
        double[] q = new double[7];
        for (int k = 0; k < counts[fn]; k++) {
          q[k] = Bytes.be32(d, 12 + 4 * k) / 65536.0;
        }
        double g = q[0];
        switch (fn) {
          case 0:
            return Math.pow(x, g);
          case 1:
            return x >= -q[2] / q[1] ? Math.pow(q[1] * x + q[2], g) : 0;
          case 2:
            return x >= -q[2] / q[1] ? Math.pow(q[1] * x + q[2], g) + q[3] : q[3];
          case 3:
            return x >= q[4] ? Math.pow(q[1] * x + q[2], g) : q[3] * x;
          default:
            return x >= q[4] ? Math.pow(q[1] * x + q[2], g) + q[5] : q[3] * x + q[6];
        }
      }
    } catch (RuntimeException e) {
      return Double.NaN;
    }
    return Double.NaN;
  }

  private static double[][] colorants(ICC_Profile p) {
    try {
      int[] sigs = {SIG_RXYZ, SIG_GXYZ, SIG_BXYZ};
      double[][] out = new double[3][3];
      for (int i = 0; i < 3; i++) {
        byte[] d = p.getData(sigs[i]);
        if (d == null || d.length < 20) {
          return null;
        }
        for (int j = 0; j < 3; j++) {
          out[i][j] = Bytes.be32(d, 8 + 4 * j) / 65536.0; // s15Fixed16
        }
      }
      return out;
    } catch (RuntimeException e) {
      return null;
    }
  }
}

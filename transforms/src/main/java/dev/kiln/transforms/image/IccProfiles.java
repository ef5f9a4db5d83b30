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
    private static final int SIG_DESC = 0x64657363;  // 'desc'
    private static final int SIG_MLUC = 0x6D6C7563;  // 'mluc'
    private static final int SIG_RXYZ = 0x7258595A;  // 'rXYZ'
    private static final int SIG_GXYZ = 0x6758595A;  // 'gXYZ'
    private static final int SIG_BXYZ = 0x6258595A;  // 'bXYZ'

    private static final double[][] SRGB_COLORANTS = colorants(ICC_Profile.getInstance(ColorSpace.CS_sRGB));

    private IccProfiles() {
    }

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
        return true;
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

/**
 * Kiln as Beam transforms: list, normalize and write images into datasets, and read datasets back
 * (Kiln's public API; see docs/ARCHITECTURE.md).
 */
package dev.kiln.beam;

/**
 * Example pipelines built from Kiln's public transforms; each runs on any Beam runner ({@code kiln
 * run CLASS}).
 */
package dev.kiln.examples;

/**
 * Engine-neutral descriptions of the supported decoder-only architectures ({@link
 * dev.persona4j.core.architecture.Architecture}, one short file per architecture): tensor names and
 * layouts, fusions, biases, norms, positions and config defaults. Engines read them; nothing here
 * depends on an engine or on the checkpoint classes.
 */
package dev.persona4j.core.architecture;

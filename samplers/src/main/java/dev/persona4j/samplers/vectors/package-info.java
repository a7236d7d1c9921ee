/**
 * Persona directions in activation space: {@link dev.persona4j.samplers.vectors.PersonaVector}, a
 * difference of means that scores candidates like a head and that core's steering adds to the
 * residual stream.
 */
package dev.persona4j.samplers.vectors;

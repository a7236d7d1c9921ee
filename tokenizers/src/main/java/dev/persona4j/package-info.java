/**
 * The root of persona4j: {@link dev.persona4j.Persona4jException}, the one exception hierarchy every
 * module's typed errors extend, whose messages name the file, field, tensor or value at fault.
 */
package dev.persona4j;

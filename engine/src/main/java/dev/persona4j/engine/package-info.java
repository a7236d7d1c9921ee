/**
 * A pure-Java inference engine for persona4j's backend SPI, computing the architectures described in
 * {@code dev.persona4j.core.architecture} with the Vector API, weights kept in their stored type.
 */
package dev.persona4j.engine;

/**
 * Internal helpers shared by persona4j's modules. Not API: not exported, may change in any release.
 */
package dev.persona4j.internal;

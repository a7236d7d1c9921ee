/**
 * Persona generation as an Apache Spark job: {@link dev.persona4j.spark.PersonaGeneration} turns a
 * {@code Dataset<Row>} of personas and conversations into the same rows with each character's reply,
 * every candidate with its head scores, the selection and the timings, or the error that made a row
 * unusable. The model loads once per executor JVM and is shared by the tasks on it.
 */
package dev.persona4j.spark;

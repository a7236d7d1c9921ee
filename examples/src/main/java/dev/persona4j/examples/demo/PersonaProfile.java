package dev.persona4j.examples.demo;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A persona that speaks in the demo corpus: one of the four example personas (whose definition is
 * the hand-written {@code examples/personas/<id>.yaml}) or a generated one (a new name, place,
 * companion and quirk on one of the four voices, with its definition rendered by the generator).
 */
public final class PersonaProfile {
  private final String id;
  private final String name;
  private final String nickname;
  private final String voice;
  private final String place;
  private final String companion;
  private final String quirk;
  private final String definitionYaml;

  PersonaProfile(String id, String name, String nickname, String voice, String place,
      String companion, String quirk, String definitionYaml) {
    this.id = Objects.requireNonNull(id, "id");
    this.name = Objects.requireNonNull(name, "name");
    this.nickname = Objects.requireNonNull(nickname, "nickname");
    this.voice = Objects.requireNonNull(voice, "voice");
    this.place = Objects.requireNonNull(place, "place");
    this.companion = Objects.requireNonNull(companion, "companion");
    this.quirk = Objects.requireNonNull(quirk, "quirk");
    this.definitionYaml = definitionYaml;
  }

  /** The persona id used in corpus records: an example id ({@code captain}) or {@code gen-07}. */
  public String id() {
    return id;
  }

  public String name() {
    return name;
  }

  public String nickname() {
    return nickname;
  }

  /** The voice the persona speaks in: one of the example persona ids. */
  public String voice() {
    return voice;
  }

  /** The persona's home: a ship, house, station or city, as it appears in replies. */
  public String place() {
    return place;
  }

  /** The name of the persona's companion (first mate, assistant, crewmate, partner). */
  public String companion() {
    return companion;
  }

  /** The quirk id (see the persona pools). */
  public String quirk() {
    return quirk;
  }

  /** True for generated personas, false for the four example personas. */
  public boolean generated() {
    return definitionYaml != null;
  }

  /**
   * The persona4j/v1 YAML definition of a generated persona. Empty for example personas: their
   * definition is {@code examples/personas/<id>.yaml}.
   */
  public Optional<String> generatedDefinition() {
    return Optional.ofNullable(definitionYaml);
  }

  PersonaProfile withDefinition(String yaml) {
    return new PersonaProfile(id, name, nickname, voice, place, companion, quirk, yaml);
  }

  Map<String, String> slots() {
    Map<String, String> slots = new LinkedHashMap<>();
    slots.put("name", name);
    slots.put("nick", nickname);
    slots.put("place", place);
    slots.put("companion", companion);
    return slots;
  }

  @Override
  public String toString() {
    return "PersonaProfile[" + id + ", " + name + ", voice=" + voice + "]";
  }
}

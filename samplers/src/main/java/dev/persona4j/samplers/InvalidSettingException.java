package dev.persona4j.samplers;

import dev.persona4j.Persona4jException;

/**
 * A sampling, stopping, training or selection setting was out of range. The message names the
 * setting and the offending value, e.g. {@code topP = 1.5: must be in (0, 1]}.
 */
public class InvalidSettingException extends Persona4jException {
  private final String setting;
  private final String value;

  public InvalidSettingException(String setting, Object value, String requirement) {
    super(setting + " = " + value + ": " + requirement);
    this.setting = setting;
    this.value = String.valueOf(value);
  }

  /** The name of the setting at fault, as its builder method spells it. */
  public String setting() {
    return setting;
  }

  /** The rejected value, rendered as text. */
  public String value() {
    return value;
  }
}

package dev.persona4j.examples.api;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The shape of the library modules (tokenizers, samplers, core, training, langchain4j, engine, server, spark), read from their compiled
 * classes and sources: the exported packages (persona4j's statement of its public API, in place of
 * module-info files, which Jinjava's and DJL's automatic modules make impractical), no package
 * cycles, dependencies pointing one way, every public type documented, no JVM-global side effects.
 */
class LibraryShapeTest {
  /** The packages applications may use, by module. Everything else is internal. */
  static final Map<String, Set<String>> EXPORTED = Map.of(
      "tokenizers", Set.of("dev.persona4j", "dev.persona4j.tokenizers"),
      "samplers", Set.of("dev.persona4j.samplers", "dev.persona4j.samplers.rejection"),
      "core", Set.of("dev.persona4j.core.architecture", "dev.persona4j.core.backend",
          "dev.persona4j.core.checkpoint", "dev.persona4j.core.heads", "dev.persona4j.core.persona",
          "dev.persona4j.core.prompt", "dev.persona4j.core.generate"),
      "training", Set.of("dev.persona4j.training", "dev.persona4j.training.heads",
          "dev.persona4j.training.calibration"),
      "langchain4j", Set.of("dev.persona4j.langchain4j"),
      "engine", Set.of("dev.persona4j.engine", "dev.persona4j.engine.gguf"),
      "server", Set.of("dev.persona4j.server"),
      "spark", Set.of("dev.persona4j.spark"));

  /**
   * Modules added after the redesign (integrations, the second engine): their public types are
   * checked like the others but not counted against the cap; they are kept lean by review. Each
   * module's packages are {@code dev.persona4j.<module>} and below.
   */
  static final Set<String> UNCAPPED_MODULES = Set.of("langchain4j", "engine", "server", "spark");

  /**
   * Public types outside the exported packages, each for a reason: the modules share the internal
   * package, and ServiceLoader instantiates backends from the class path only if they are public.
   */
  static final Set<String> INTERNAL_PUBLIC_PACKAGES = Set.of("dev.persona4j.internal");
  static final Set<String> SERVICE_PROVIDERS = Set.of("dev.persona4j.core.backend.djl.DjlBackend",
      "dev.persona4j.engine.JavaBackend");

  /** 130 public types before the redesign; at least a third fewer after it. */
  static final int MAX_PUBLIC_TYPES = 86;

  static final JavaClasses LIBRARY = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .withImportOption(location -> !location.contains("/dev/persona4j/examples/")
          && !location.contains("/dev/persona4j/jlamarunner/"))
      .importPackages("dev.persona4j");

  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @Test
  void noPackageCycles() {
    slices().matching("dev.persona4j.(**)").should().beFreeOfCycles().check(LIBRARY);
  }

  @Test
  void dependenciesPointOneWay() {
    noClasses().that().resideInAnyPackage("dev.persona4j", "dev.persona4j.tokenizers..", "dev.persona4j.internal..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.persona4j.samplers..", "dev.persona4j.core..", "dev.persona4j.training..")
        .check(LIBRARY);
    noClasses().that().resideInAPackage("dev.persona4j.samplers..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.persona4j.core..", "dev.persona4j.training..", "ai.djl..")
        .check(LIBRARY);
    noClasses().that().resideInAPackage("dev.persona4j.core..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.persona4j.training..", "ai.djl.training..")
        .because("inference never needs training code or autograd")
        .check(LIBRARY);
    noClasses().that().resideOutsideOfPackage("dev.persona4j.langchain4j..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.persona4j.langchain4j..", "dev.langchain4j..")
        .because("LangChain4j is an integration on top of the library, never under it")
        .check(LIBRARY);
    noClasses().that().resideOutsideOfPackage("dev.persona4j.spark..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.persona4j.spark..", "org.apache.spark..", "scala..")
        .because("Spark is an integration on top of the library, never under it")
        .check(LIBRARY);
  }

  /**
   * The one documented exception: DJL reads its offline and tracking switches only from system
   * properties, and DjlEnvironment sets them (unless the application did) before the engine starts.
   */
  static final String DJL_SETTINGS = "dev.persona4j.core.backend.djl.DjlEnvironment";

  @Test
  void noJvmGlobalSideEffects() {
    noClasses().that().doNotHaveFullyQualifiedName(DJL_SETTINGS)
        .should().callMethod(System.class, "setProperty", String.class, String.class)
        .orShould().callMethod(System.class, "clearProperty", String.class)
        .orShould().callMethod(System.class, "exit", int.class)
        .because("a library embedded in an application must not change the JVM under it")
        .check(LIBRARY);
  }

  @Test
  void publicTypesOnlyInExportedPackages() {
    Set<String> exported = new TreeSet<>();
    EXPORTED.values().forEach(exported::addAll);
    List<String> stray = new ArrayList<>();
    for (JavaClass c : publicTopLevelTypes()) {
      String p = c.getPackageName();
      if (!exported.contains(p) && !INTERNAL_PUBLIC_PACKAGES.contains(p) && !SERVICE_PROVIDERS.contains(c.getName())) {
        stray.add(c.getName());
      }
    }
    assertEquals(List.of(), stray, "public types outside the exported packages");
  }

  @Test
  void exportedPackagesAreWhereTheStatementSays() throws IOException {
    for (Map.Entry<String, Set<String>> module : EXPORTED.entrySet()) {
      Path sources = ROOT.resolve(module.getKey()).resolve("src/main/java");
      for (String p : module.getValue()) {
        Path dir = sources.resolve(p.replace('.', '/'));
        assertTrue(Files.isRegularFile(dir.resolve("package-info.java")), p + " is exported by " + module.getKey() + " and documented in its package-info.java");
      }
    }
  }

  @Test
  void publicTypesAreFewAndDocumented() throws IOException {
    List<JavaClass> types = publicTopLevelTypes().stream().filter(c -> UNCAPPED_MODULES.stream()
        .noneMatch(m -> (c.getPackageName() + ".").startsWith("dev.persona4j." + m + "."))).toList();
    Map<String, Integer> byPackage = new TreeMap<>();
    types.forEach(c -> byPackage.merge(c.getPackageName(), 1, Integer::sum));
    assertTrue(types.size() <= MAX_PUBLIC_TYPES, types.size() + " public types (at most " + MAX_PUBLIC_TYPES + "): " + byPackage);
    List<String> undocumented = new ArrayList<>();
    for (String module : EXPORTED.keySet()) {
      try (Stream<Path> files = Files.walk(ROOT.resolve(module).resolve("src/main/java"))) {
        for (Path f : (Iterable<Path>) files.filter(x -> x.toString().endsWith(".java"))::iterator) {
          if (!isDocumentedOrNotPublic(Files.readString(f))) {
            undocumented.add(ROOT.relativize(f).toString());
          }
        }
      }
    }
    assertEquals(List.of(), undocumented, "public types without javadoc");
  }

  private static final Pattern PUBLIC_TYPE = Pattern.compile(
      "(?m)^public\\s+(?:(?:final|abstract|sealed|non-sealed|static)\\s+)*(?:class|interface|record|enum|@interface)\\s");

  /** The top-level public type's declaration, past its annotations, follows a javadoc comment. */
  static boolean isDocumentedOrNotPublic(String source) {
    Matcher m = PUBLIC_TYPE.matcher(source);
    if (!m.find()) {
      return true;
    }
    String before = source.substring(0, m.start()).stripTrailing();
    while (before.endsWith(")") || before.matches("(?s).*\\n@\\w+(\\.\\w+)*$")) {
      int at = before.lastIndexOf("\n@");
      if (at < 0) {
        break;
      }
      before = before.substring(0, at).stripTrailing();
    }
    return before.endsWith("*/") && before.lastIndexOf("/**") > before.lastIndexOf("*/", before.length() - 3);
  }

  private static List<JavaClass> publicTopLevelTypes() {
    List<JavaClass> out = new ArrayList<>();
    for (JavaClass c : LIBRARY) {
      if (c.getModifiers().contains(JavaModifier.PUBLIC) && c.isTopLevelClass() && !c.getSimpleName().equals("package-info")) {
        out.add(c);
      }
    }
    return out;
  }
}

// Checks what the application in consumer/ resolved (both invocations) and how it starts.
// Variables from the invoker: basedir (this project's copy), demoModel, persona.

def listing(String dir, String name) {
  // dependency:list lines: "   group:artifact:type[:classifier]:version:scope -- module name"
  def lines = new File(basedir, "target/${dir}/${name}.txt").readLines().collect { it.replaceAll(/ -- .*$/, '').trim() }
  lines.findAll { it.count(':') >= 4 }.collect {
    def f = it.split(':') as List
    [group: f[0], artifact: f[1], version: f[-2], scope: f[-1], text: it]
  }
}

// What an application may compile against: persona4j's API and the libraries whose types that API uses.
// Also, until an application-facing module sits above core: the libraries core's own code compiles against (Maven 3
// exports them with it): DJL's api and what it brings, the JSON Schema validator with its date-time parser, and RE2J
// (lorebook keys).
def apiGroups = ['dev.persona4j', 'com.fasterxml.jackson.core', 'com.fasterxml.jackson.dataformat', 'org.yaml',
                 'org.slf4j', 'ai.djl', 'com.google.code.gson', 'net.java.dev.jna', 'org.apache.commons',
                 'commons-codec', 'commons-io', 'com.google.errorprone', 'com.networknt', 'com.ethlo.time', 'com.google.re2j',
                 // persona4j-langchain4j's API is LangChain4j's interfaces
                 'dev.langchain4j', 'org.jspecify']

['plain', 'bom'].each { dir ->
  def compile = listing(dir, 'compile')
  def runtime = listing(dir, 'runtime')
  assert compile.any { it.artifact == 'persona4j-core' } : "$dir: persona4j-core missing from ${compile*.text}"
  assert compile.any { it.artifact == 'langchain4j-core' } : "$dir: langchain4j-core missing from ${compile*.text}"

  def leaked = compile.findAll { !(it.group in apiGroups) || it.artifact in ['tokenizers', 'pytorch-engine', 'pytorch-jni'] }
  assert leaked.isEmpty() : "$dir: persona4j-internal libraries on the application's compile classpath: ${leaked*.text}"
  ['guava', 'jinjava', 'tokenizers', 'pytorch-engine', 'jackson-datatype-jdk8'].each { a ->
    assert runtime.any { it.artifact == a } : "$dir: $a missing from the runtime classpath: ${runtime*.text}"
  }

  def jackson = runtime.findAll { it.group.startsWith('com.fasterxml.jackson') }
  def versions = jackson*.version.unique()
  assert versions.size() == 1 : "$dir: mixed Jackson versions: ${jackson*.text}"
}

// Start the application (the README's example) as its users would, from the checkout the README's paths are relative
// to: no -Dai.djl.offline, no OPT_OUT_TRACKING, slf4j-simple at INFO.
def checkout = new File(demoModel).canonicalFile.parentFile.parentFile.parentFile
def classpath = new File(basedir, 'target/classes').path + File.pathSeparator + new File(basedir, 'target/plain/classpath.txt').text.trim()
def java = new File(System.getProperty('java.home'), 'bin/java').path
def pb = new ProcessBuilder(java, '-cp', classpath, 'example.App').directory(checkout).redirectErrorStream(true)
pb.environment().remove('OPT_OUT_TRACKING')
pb.environment().remove('DJL_OFFLINE')
def proc = pb.start()
def out = proc.inputStream.text
proc.waitFor()
new File(basedir, 'target/app.log').text = out
assert proc.exitValue() == 0 : "the application failed:\n$out"
// The captain's reply, chosen from the demo model's best-of-8 by the in-character head its profile names.
def reply = out.readLines().find { it.startsWith('Mara: ') }
assert reply != null && reply.length() > 'Mara: '.length() + 10 : "no reply from the captain:\n$out"
assert out.readLines().count { it.startsWith('  {in_character=') } == 8 : "not 8 candidates scored by the profile's heads:\n$out"
def noisy = out.readLines().findAll { it.contains(' WARN ') || it.contains('CudaUtils') || it.contains('telemetry') }
assert noisy.isEmpty() : "the application's log at its default level has warnings:\n${noisy.join('\n')}"
return true

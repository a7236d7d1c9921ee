// The application's code is the README's Java example: the block between the readme-example markers must equal
// src/main/java/example/App.java byte for byte, so the README cannot drift from the API (the build compiles it).
// Variables from the invoker: basedir (this project's copy), readme.

def text = new File(readme).getText('UTF-8')
def block = (text =~ /(?s)<!-- readme-example:start -->\n```java\n(.*?)```\n<!-- readme-example:end -->/)
assert block.find() : "$readme: no ```java block between <!-- readme-example:start --> and <!-- readme-example:end -->"
def app = new File(basedir, 'src/main/java/example/App.java')
assert block.group(1) == app.getText('UTF-8') :
    "$readme's Java example differs from consumer-test/src/it/consumer/src/main/java/example/App.java: copy it there"

// The dependency block the README tells applications to copy is the one this project declares.
def xml = (text =~ /(?s)### From Java\n\n```xml\n(.*?)```/)
assert xml.find() : "$readme: no ```xml dependency block under '### From Java'"
def pom = new File(basedir, 'pom.xml').getText('UTF-8')
(xml.group(1) =~ /(?s)<groupId>(.*?)<\/groupId>\s*<artifactId>(.*?)<\/artifactId>/).each { all, g, a ->
  assert pom.contains("<groupId>$g</groupId>\n      <artifactId>$a</artifactId>") :
      "$readme's dependency block names $g:$a, which consumer-test/src/it/consumer/pom.xml does not declare"
}
return true

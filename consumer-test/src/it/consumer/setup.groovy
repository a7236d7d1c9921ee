// The application's code is the README's Java example: the block between the readme-example markers must equal
// src/main/java/example/App.java byte for byte, so the README cannot drift from the API (the build compiles it).
// Variables from the invoker: basedir (this project's copy), readme.

def text = new File(readme).getText('UTF-8')
def block = (text =~ /(?s)<!-- readme-example:start -->\n```java\n(.*?)```\n<!-- readme-example:end -->/)
assert block.find() : "$readme: no ```java block between <!-- readme-example:start --> and <!-- readme-example:end -->"
def app = new File(basedir, 'src/main/java/example/App.java')
assert block.group(1) == app.getText('UTF-8') :
    "$readme's Java example differs from consumer-test/src/it/consumer/src/main/java/example/App.java: copy it there"
return true

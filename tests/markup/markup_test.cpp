#include <catch2/catch.hpp>

#include "adapters/markup/markup.hpp"

using namespace kith;

namespace {
std::string username_of(const UserId& id) {
  return id == UserId("u1") ? "alice" : "";
}
}  // namespace

TEST_CASE("names containing Markdown are shown literally on Mattermost") {
  const auto text = RichText().text("Thanks ").bold("*Bob* [x](http://evil) <b>").text(" for `code`");
  CHECK(markup::to_markdown(text, username_of) == "Thanks **\\*Bob\\* \\[x\\](http\\://evil) \\<b\\>** for \\`code\\`");
}

TEST_CASE("mentions render as @username where known and as escaped names otherwise") {
  const auto text = RichText().mention(UserId("u1"), "Alice").text(" and ").mention(UserId("u2"), "_Eve_");
  CHECK(markup::to_markdown(text, username_of) == "@alice and \\_Eve\\_");
}

TEST_CASE("ordinary punctuation is left alone so notifications stay readable") {
  CHECK(markup::to_markdown(RichText("Correct! Who's who? 4.5 - ok (yes)"), username_of) ==
        "Correct! Who's who? 4.5 - ok (yes)");
}

TEST_CASE("a code span cannot be closed early by a backtick") {
  CHECK(markup::to_markdown(RichText().code("a`b"), username_of) == "`a'b`");
}

TEST_CASE("names containing HTML are escaped on Matrix") {
  const auto text = RichText().text("Hi ").bold("<script>alert('x')</script> & co").line().code("<i>");
  CHECK(markup::to_html(text) ==
        "Hi <strong>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co</strong><br><code>&lt;i&gt;</code>");
}

TEST_CASE("Matrix mentions are pills with escaped display names") {
  const auto text = RichText().mention(UserId("@bob:example.org"), "Bob \"The\" <Builder>");
  CHECK(markup::to_html(text) ==
        "<a href=\"https://matrix.to/#/@bob:example.org\">Bob &quot;The&quot; &lt;Builder&gt;</a>");
}

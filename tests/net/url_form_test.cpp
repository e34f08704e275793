#include <catch2/catch.hpp>

#include "bot/net/form.hpp"
#include "bot/net/http.hpp"
#include "bot/net/http_server.hpp"
#include "bot/net/url.hpp"

using namespace kith::net;

TEST_CASE("parse_url accepts http and https with ports and paths") {
  auto u = parse_url("https://chat.example.org");
  REQUIRE(u);
  CHECK(u->tls);
  CHECK(u->host == "chat.example.org");
  CHECK(u->port == "443");
  CHECK(u->path == "/");
  CHECK(u->host_header() == "chat.example.org");
  CHECK(u->join("/api/v4/users/me") == "/api/v4/users/me");

  u = parse_url("http://127.0.0.1:8065/mm/");
  REQUIRE(u);
  CHECK_FALSE(u->tls);
  CHECK(u->port == "8065");
  CHECK(u->path == "/mm");
  CHECK(u->host_header() == "127.0.0.1:8065");
  CHECK(u->join("/api/v4") == "/mm/api/v4");
  CHECK(u->origin() == "http://127.0.0.1:8065");

  u = parse_url("http://[::1]:80/");
  REQUIRE(u);
  CHECK(u->host == "::1");
  CHECK(u->host_header() == "[::1]:80");
}

TEST_CASE("parse_url rejects what it cannot use") {
  CHECK_FALSE(parse_url("ftp://x"));
  CHECK_FALSE(parse_url("chat.example.org"));
  CHECK_FALSE(parse_url("https://user:pw@host"));
  CHECK_FALSE(parse_url("https://host:99999"));
  CHECK_FALSE(parse_url("https://host:0"));
  CHECK_FALSE(parse_url("https://host/x?y=1"));
  CHECK_FALSE(parse_url("https://:80"));
}

TEST_CASE("percent_encode keeps unreserved characters only") {
  CHECK(percent_encode("a-b_c.d~e") == "a-b_c.d~e");
  CHECK(percent_encode("a b/c?d&e=f") == "a%20b%2Fc%3Fd%26e%3Df");
  CHECK(percent_encode("\xc3\xa9") == "%C3%A9");
}

TEST_CASE("parse_form decodes plus, escapes and repeated keys") {
  const auto form = parse_form("token=abc&text=quiz+stats%21&user_mentions=a&user_mentions=b&bad=%zz&&empty=");
  CHECK(form_value(form, "token") == "abc");
  CHECK(form_value(form, "text") == "quiz stats!");
  CHECK(form.count("user_mentions") == 2);
  CHECK(form_value(form, "bad") == "%zz");
  CHECK(form_value(form, "empty").empty());
  CHECK(form_value(form, "missing").empty());
  CHECK(form_value(parse_form("x=%4"), "x") == "%4");
}

TEST_CASE("split_target and find_header") {
  CHECK(split_target("/a/b?c=d") == std::pair<std::string, std::string>("/a/b", "c=d"));
  CHECK(split_target("/a") == std::pair<std::string, std::string>("/a", ""));
  Headers h{{"Content-Type", "application/json"}};
  CHECK(find_header(h, "content-type") == "application/json");
  CHECK_FALSE(find_header(h, "accept"));
}

TEST_CASE("multipart bodies carry fields and files with a random boundary") {
  MultipartBody body;
  const auto type = body.content_type();
  const auto boundary = type.substr(type.find('=') + 1);
  const auto text =
      body.field("channel_id", "c1").file("files", "chart\".png", "image/png", {0x89, 'P', 'N', 'G'}).finish();
  CHECK(text.find("--" + boundary + "\r\nContent-Disposition: form-data; name=\"channel_id\"\r\n\r\nc1\r\n") == 0);
  CHECK(text.find("filename=\"chart_.png\"") != std::string::npos);
  CHECK(text.find("\x89PNG\r\n--" + boundary + "--\r\n") != std::string::npos);
  MultipartBody other;
  CHECK(other.content_type() != type);
}

TEST_CASE("split_host_port") {
  std::string host;
  unsigned short port = 0;
  CHECK(split_host_port("127.0.0.1:8066", host, port));
  CHECK(host == "127.0.0.1");
  CHECK(port == 8066);
  CHECK(split_host_port("[::1]:0", host, port));
  CHECK(host == "::1");
  CHECK_FALSE(split_host_port("localhost", host, port));
  CHECK_FALSE(split_host_port("h:70000", host, port));
  CHECK_FALSE(split_host_port(":80", host, port));
}

#pragma once
// Every table in Kith's schema, every column, and what it holds about people: the map a privacy review
// reads, and what tests/privacy/erasure_test.cpp walks. A new table or column fails that test until it is
// entered here with the rule that erases it and the one that expires it.
#include <string_view>
#include <vector>

namespace kith::test {

enum class Holds {
  other,      ///< Nothing about a person (counts, times, keys of Kith's own).
  person,     ///< A chat user id.
  text,       ///< Words or names: a display name, an "about" line, a message's content.
  pseudonym,  ///< Keyed pseudonyms (16 bytes each), which only Kith's key links to anyone.
};

struct ColumnRule {
  std::string_view name;
  Holds holds = Holds::other;
  /// The value the erasure test stores in its sample row, as SQL, when the generic one would not do;
  /// may use :person, :text and :pseudonym.
  std::string_view sample = {};
};

struct TableRule {
  std::string_view table;
  std::vector<ColumnRule> columns;
  /// Which PersonalData (its data_name) or "pseudonym" (PseudonymousData, the interaction store) erases
  /// the person's rows; empty when the table holds nothing about anyone or must keep them (`kept_because`).
  std::string_view erased_by;
  /// The time column the retention job compares; empty when `kept_because` says why it does not.
  std::string_view expired_by;
  std::string_view kept_because = {};
};

inline const std::vector<TableRule>& personal_data_map() {
  using enum Holds;
  static const std::vector<TableRule> map{
      {"state",
       {{"ns"}, {"key"}, {"value"}},
       "",
       "",
       "adapter positions (sync tokens, cursors): nothing about a person"},
      {"schedule_jobs", {{"name"}, {"anchor"}, {"last_slot"}}, "", "", "when each ritual job last ran"},
      {"outbox",
       {{"id"},
        {"key", person, "'reply:' || :person"},
        {"item", text, "''"},  // A delivered row keeps no content; pending ones are read by people_in().
        {"image"},
        {"status", other, "'delivered'"},
        {"attempts"},
        {"not_before"},
        {"created_at"},
        {"delivered_at"},
        {"message_id"},
        {"reason", text},
        {"first_try_at"}},
       "messages",
       "created_at"},
      {"people",
       {{"user_id", person},
        {"username", text},
        {"display_name", text},
        {"is_bot"},
        {"has_custom_avatar"},
        {"avatar_ref", text},
        {"title", text}},
       "directory",
       "",
       "the chat server's directory as it is now, kept while the person is on the server"},
      {"channel_members", {{"channel_id"}, {"user_id", person}}, "directory", "", "the server's present memberships"},
      {"interactions", {{"hour"}, {"kind"}, {"src", pseudonym}, {"dst", pseudonym}, {"channel"}}, "pseudonym", "hour"},
      {"consent",
       {{"user_id", person}, {"scope"}, {"opted_out"}},
       "",
       "",
       "the opt-out itself: the one thing Kith keeps, so it never counts the person again"},
      {"org_people",
       {{"user_id", person}, {"team"}, {"is_lead"}, {"start_day"}, {"manager", person}},
       "organisation",
       "",
       "the organisation's present structure, as the admin imported it"},
      {"recognitions",
       {{"source_key", person, "'message:m1:' || :person"},
        {"giver", person},
        {"receiver", person},
        {"channel"},
        {"value", text},
        {"weight"},
        {"at"}},
       "recognition",
       "at"},
      {"recognition_spotlights", {{"slot"}, {"user_id", person}}, "recognition", "slot"},
      {"quiz_rounds",
       {{"id"},
        {"channel"},
        {"subject", person},
        {"offered", text},
        {"asked_by", person},
        {"opened_at"},
        {"closes_at"},
        {"message_id"},
        {"closed"},
        {"thread_root"}},
       "quiz",
       "opened_at"},
      {"quiz_answers", {{"round_id"}, {"player", person}, {"correct"}, {"at"}}, "quiz", "at"},
      {"quiz_cards",
       {{"player", person},
        {"subject", person},
        {"box"},
        {"due_at"},
        {"correct"},
        {"wrong"},
        {"last_correct"},
        {"first_correct_at"}},
       "quiz",
       "due_at"},
      {"digest_requests", {{"key"}, {"requested_by", person}, {"scope"}, {"action"}, {"at"}}, "digest", "at"},
      {"pairing_members",
       {{"program"}, {"user_id", person}, {"joined_at"}, {"snoozed_until"}},
       "pairings",
       "",
       "who takes part now: leaving the program (or opting out) removes them"},
      {"pairing_skips", {{"program"}, {"slot"}, {"user_id", person}}, "pairings", "slot"},
      {"pairing_blocks",
       {{"user_id", person}, {"blocked", person}},
       "pairings",
       "",
       "a standing wish not to be paired with someone, until its giver lifts it"},
      {"pairing_about", {{"user_id", person}, {"text", text}, {"at"}}, "pairings", "at"},
      {"pairing_rounds", {{"program"}, {"slot"}, {"seed"}, {"checkin_at"}}, "", "slot"},
      {"pairing_groups", {{"program"}, {"slot"}, {"idx"}, {"intro_sent"}, {"checkin_sent"}, {"met"}}, "", "slot"},
      {"pairing_group_members", {{"program"}, {"slot"}, {"idx"}, {"user_id", person}, {"answer"}}, "pairings", "slot"},
      {"pairing_left_out", {{"program"}, {"slot"}, {"user_id", person}}, "pairings", "slot"},
      {"onboarding_newcomers", {{"newcomer", person}, {"at"}}, "pairings", "at"},
      {"onboarding_intros",
       {{"newcomer", person}, {"partner", person}, {"team"}, {"due_at"}, {"sent"}},
       "pairings",
       "due_at"},
      {"withdrawable_reactions",
       {{"key"}, {"message"}, {"channel"}, {"emoji"}, {"at"}},
       "",
       "",
       "event ids and an emoji, which the dispatcher forgets after 30 days"},
      {"summarised_weeks", {{"week"}}, "", "week"},
      {"interaction_removals",
       {{"week"}, {"removals"}},
       "",
       "",
       "how many interactions were deleted in each week (a row a week at most), naming no one"},
      {"interaction_people", {{"id"}, {"pseudonym", pseudonym}, {"last_week"}}, "pseudonym", "last_week"},
      {"interaction_week_pairs", {{"week"}, {"src"}, {"pairs", other, "x''"}}, "pseudonym", "week"},
      {"event_ledger", {{"hour"}, {"hash"}}, "", "", "hashes of event ids, which the ledger forgets after 30 days"},
      {"release_groups",
       {{"id"}, {"released_at"}, {"period"}, {"name"}, {"members", pseudonym}},
       "pseudonym",
       "released_at"},
      {"release_values", {{"group_id"}, {"key"}, {"value"}}, "", "group_id"},
      {"release_spending", {{"at"}, {"name"}, {"epsilon"}}, "", "at"},
      {"release_withheld", {{"at"}, {"period"}, {"name"}, {"reason"}}, "", "at"},
      {"digest_audit",
       {{"id"},
        {"sent_at"},
        {"recipient", person},
        {"scope"},
        {"week_end_hour"},
        {"figures", text},
        {"kind", other, "'digest'"}},
       "digest",
       "sent_at"},
  };
  return map;
}

}  // namespace kith::test

#include "bot/storage/sqlite_pairing_store.hpp"

#include <bit>

#include "bot/storage/sqlite_core_stores.hpp"

namespace kith::storage {
namespace {
constexpr const char* group_columns =
    "SELECT g.program, g.slot, g.idx, g.intro_sent, g.checkin_sent, g.met, m.user_id FROM pairing_groups g "
    "JOIN pairing_group_members m ON m.program = g.program AND m.slot = g.slot AND m.idx = g.idx ";

OnboardingIntro read_intro(const Statement& s) {
  return OnboardingIntro{UserId(s.text(0)), UserId(s.text(1)), s.text(2), from_db(s.int64(3)), s.int64(4) != 0};
}
constexpr const char* intro_columns = "SELECT newcomer, partner, team, due_at, sent FROM onboarding_intros ";
}  // namespace

// --- membership ------------------------------------------------------------------------------
bool SqlitePairingStore::join(const std::string& program, const UserId& user, TimePoint at) {
  db_.prepare(
         "INSERT INTO pairing_members (program, user_id, joined_at) VALUES (?, ?, ?) "
         "ON CONFLICT (program, user_id) DO NOTHING")
      .bind_all(program, user.str(), to_db(at))
      .run();
  if (db_.changes() == 1) return true;
  db_.prepare("UPDATE pairing_members SET snoozed_until = NULL WHERE program = ? AND user_id = ?")
      .bind_all(program, user.str())
      .run();
  return false;
}

bool SqlitePairingStore::leave(const std::string& program, const UserId& user) {
  db_.prepare("DELETE FROM pairing_members WHERE program = ? AND user_id = ?").bind_all(program, user.str()).run();
  return db_.changes() == 1;
}

void SqlitePairingStore::snooze(const std::string& program, const UserId& user, TimePoint until) {
  db_.prepare("UPDATE pairing_members SET snoozed_until = ? WHERE program = ? AND user_id = ?")
      .bind_all(to_db(until), program, user.str())
      .run();
}

std::vector<PairingMember> SqlitePairingStore::members(const std::string& program) {
  auto stmt =
      db_.prepare("SELECT user_id, joined_at, snoozed_until FROM pairing_members WHERE program = ? ORDER BY user_id");
  stmt.bind_all(program);
  std::vector<PairingMember> all;
  while (stmt.step()) {
    PairingMember m{UserId(stmt.text(0)), from_db(stmt.int64(1)), std::nullopt};
    if (!stmt.is_null(2)) m.snoozed_until = from_db(stmt.int64(2));
    all.push_back(std::move(m));
  }
  return all;
}

std::vector<std::string> SqlitePairingStore::programs_of(const UserId& user) {
  auto stmt = db_.prepare("SELECT program FROM pairing_members WHERE user_id = ? ORDER BY program");
  stmt.bind_all(user.str());
  std::vector<std::string> all;
  while (stmt.step()) all.push_back(stmt.text(0));
  return all;
}

void SqlitePairingStore::skip(const std::string& program, TimePoint slot, const UserId& user) {
  db_.prepare("INSERT INTO pairing_skips (program, slot, user_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
      .bind_all(program, to_db(slot), user.str())
      .run();
}

bool SqlitePairingStore::skipping(const std::string& program, TimePoint slot, const UserId& user) {
  auto stmt = db_.prepare("SELECT 1 FROM pairing_skips WHERE program = ? AND slot = ? AND user_id = ?");
  stmt.bind_all(program, to_db(slot), user.str());
  return stmt.step();
}

// --- blocklists ------------------------------------------------------------------------------
void SqlitePairingStore::block(const UserId& user, const UserId& blocked) {
  db_.prepare("INSERT INTO pairing_blocks (user_id, blocked) VALUES (?, ?) ON CONFLICT DO NOTHING")
      .bind_all(user.str(), blocked.str())
      .run();
}

bool SqlitePairingStore::unblock(const UserId& user, const UserId& blocked) {
  db_.prepare("DELETE FROM pairing_blocks WHERE user_id = ? AND blocked = ?").bind_all(user.str(), blocked.str()).run();
  return db_.changes() == 1;
}

std::vector<std::pair<UserId, UserId>> SqlitePairingStore::blocks() {
  auto stmt = db_.prepare("SELECT user_id, blocked FROM pairing_blocks ORDER BY user_id, blocked");
  std::vector<std::pair<UserId, UserId>> all;
  while (stmt.step()) all.emplace_back(UserId(stmt.text(0)), UserId(stmt.text(1)));
  return all;
}

// --- about -----------------------------------------------------------------------------------
void SqlitePairingStore::set_about(const UserId& user, const std::string& text, TimePoint at) {
  db_.prepare(
         "INSERT INTO pairing_about (user_id, text, at) VALUES (?, ?, ?) "
         "ON CONFLICT (user_id) DO UPDATE SET text = excluded.text, at = excluded.at")
      .bind_all(user.str(), text, to_db(at))
      .run();
}

void SqlitePairingStore::clear_about(const UserId& user) {
  db_.prepare("DELETE FROM pairing_about WHERE user_id = ?").bind_all(user.str()).run();
}

std::optional<std::string> SqlitePairingStore::about(const UserId& user) {
  auto stmt = db_.prepare("SELECT text FROM pairing_about WHERE user_id = ?");
  stmt.bind_all(user.str());
  if (!stmt.step()) return std::nullopt;
  return stmt.text(0);
}

// --- rounds ----------------------------------------------------------------------------------
bool SqlitePairingStore::add_round(const PairingRound& round, const std::vector<PairingGroup>& groups,
                                   const std::vector<UserId>& left_out) {
  db_.prepare(
         "INSERT INTO pairing_rounds (program, slot, seed, checkin_at) VALUES (?, ?, ?, ?) "
         "ON CONFLICT (program, slot) DO NOTHING")
      .bind_all(round.program, to_db(round.slot), std::bit_cast<std::int64_t>(round.seed), to_db(round.checkin_at))
      .run();
  if (db_.changes() != 1) return false;
  auto group = db_.prepare("INSERT INTO pairing_groups (program, slot, idx) VALUES (?, ?, ?)");
  auto member = db_.prepare("INSERT INTO pairing_group_members (program, slot, idx, user_id) VALUES (?, ?, ?, ?)");
  for (const auto& g : groups) {
    group.reset();
    group.bind_all(round.program, to_db(round.slot), g.index).run();
    for (const auto& m : g.members) {
      member.reset();
      member.bind_all(round.program, to_db(round.slot), g.index, m.str()).run();
    }
  }
  auto out = db_.prepare("INSERT INTO pairing_left_out (program, slot, user_id) VALUES (?, ?, ?)");
  for (const auto& u : left_out) {
    out.reset();
    out.bind_all(round.program, to_db(round.slot), u.str()).run();
  }
  return true;
}

namespace {
PairingRound read_round(const Statement& s) {
  PairingRound r;
  r.program = s.text(0);
  r.slot = from_db(s.int64(1));
  r.seed = std::bit_cast<std::uint64_t>(s.int64(2));
  r.checkin_at = from_db(s.int64(3));
  r.groups = static_cast<int>(s.int64(4));
  r.met_groups = static_cast<int>(s.int64(5));
  r.answered_groups = static_cast<int>(s.int64(6));
  r.left_out = static_cast<int>(s.int64(7));
  return r;
}
constexpr const char* round_columns =
    "SELECT r.program, r.slot, r.seed, r.checkin_at, "
    "(SELECT count(*) FROM pairing_groups g WHERE g.program = r.program AND g.slot = r.slot), "
    "(SELECT count(*) FROM pairing_groups g WHERE g.program = r.program AND g.slot = r.slot AND g.met = 1), "
    "(SELECT count(DISTINCT m.idx) FROM pairing_group_members m WHERE m.program = r.program AND m.slot = r.slot "
    "AND m.answer IS NOT NULL), "
    "(SELECT count(*) FROM pairing_left_out o WHERE o.program = r.program AND o.slot = r.slot) "
    "FROM pairing_rounds r ";
}  // namespace

std::optional<PairingRound> SqlitePairingStore::round(const std::string& program, TimePoint slot) {
  auto stmt = db_.prepare(std::string(round_columns) + "WHERE r.program = ? AND r.slot = ?");
  stmt.bind_all(program, to_db(slot));
  if (!stmt.step()) return std::nullopt;
  return read_round(stmt);
}

std::vector<PairingRound> SqlitePairingStore::rounds(const std::string& program, int limit) {
  auto stmt = db_.prepare(std::string(round_columns) + "WHERE r.program = ? ORDER BY r.slot DESC LIMIT ?");
  stmt.bind_all(program, limit);
  std::vector<PairingRound> all;
  while (stmt.step()) all.push_back(read_round(stmt));
  return all;
}

std::vector<PairingGroup> SqlitePairingStore::read_groups(Statement& stmt) {
  std::vector<PairingGroup> all;
  while (stmt.step()) {
    const auto program = stmt.text(0);
    const auto slot = from_db(stmt.int64(1));
    const auto idx = static_cast<int>(stmt.int64(2));
    if (all.empty() || all.back().program != program || all.back().slot != slot || all.back().index != idx) {
      all.push_back(PairingGroup{program, slot, idx, {}, stmt.int64(3) != 0, stmt.int64(4) != 0, stmt.int64(5) != 0});
    }
    all.back().members.emplace_back(stmt.text(6));
  }
  return all;
}

std::vector<PairingGroup> SqlitePairingStore::groups(const std::string& program, TimePoint slot) {
  auto stmt = db_.prepare(std::string(group_columns) + "WHERE g.program = ? AND g.slot = ? ORDER BY g.idx, m.user_id");
  stmt.bind_all(program, to_db(slot));
  return read_groups(stmt);
}

std::vector<UserId> SqlitePairingStore::left_out(const std::string& program, TimePoint slot) {
  auto stmt = db_.prepare("SELECT user_id FROM pairing_left_out WHERE program = ? AND slot = ? ORDER BY user_id");
  stmt.bind_all(program, to_db(slot));
  std::vector<UserId> all;
  while (stmt.step()) all.emplace_back(stmt.text(0));
  return all;
}

std::vector<PairingGroup> SqlitePairingStore::unsent_intros(int limit) {
  auto stmt = db_.prepare(std::string(group_columns) +
                          "WHERE (g.program, g.slot, g.idx) IN (SELECT program, slot, idx FROM pairing_groups "
                          "WHERE intro_sent = 0 ORDER BY slot, program, idx LIMIT ?) "
                          "ORDER BY g.slot, g.program, g.idx, m.user_id");
  stmt.bind_all(limit);
  return read_groups(stmt);
}

void SqlitePairingStore::mark_intro_sent(const std::string& program, TimePoint slot, int index) {
  db_.prepare("UPDATE pairing_groups SET intro_sent = 1 WHERE program = ? AND slot = ? AND idx = ?")
      .bind_all(program, to_db(slot), index)
      .run();
}

std::vector<PairingGroup> SqlitePairingStore::due_checkins(TimePoint now, int limit) {
  auto stmt = db_.prepare(std::string(group_columns) +
                          "WHERE (g.program, g.slot, g.idx) IN (SELECT g2.program, g2.slot, g2.idx FROM pairing_groups "
                          "g2 JOIN pairing_rounds r ON r.program = g2.program AND r.slot = g2.slot "
                          "WHERE g2.checkin_sent = 0 AND g2.intro_sent = 1 AND r.checkin_at <= ? "
                          "ORDER BY g2.slot, g2.program, g2.idx LIMIT ?) "
                          "ORDER BY g.slot, g.program, g.idx, m.user_id");
  stmt.bind_all(to_db(now), limit);
  return read_groups(stmt);
}

void SqlitePairingStore::mark_checkin_sent(const std::string& program, TimePoint slot, int index) {
  db_.prepare("UPDATE pairing_groups SET checkin_sent = 1 WHERE program = ? AND slot = ? AND idx = ?")
      .bind_all(program, to_db(slot), index)
      .run();
}

bool SqlitePairingStore::record_answer(const std::string& program, TimePoint slot, int index, const UserId& user,
                                       bool met) {
  db_.prepare("UPDATE pairing_group_members SET answer = ? WHERE program = ? AND slot = ? AND idx = ? AND user_id = ?")
      .bind_all(met ? 1 : 0, program, to_db(slot), index, user.str())
      .run();
  if (db_.changes() != 1 || !met) return false;
  db_.prepare("UPDATE pairing_groups SET met = 1 WHERE program = ? AND slot = ? AND idx = ? AND met = 0")
      .bind_all(program, to_db(slot), index)
      .run();
  return db_.changes() == 1;
}

std::vector<std::pair<UserId, UserId>> SqlitePairingStore::pairs_since(const std::string& program, TimePoint since) {
  auto stmt = db_.prepare(
      "SELECT DISTINCT a.user_id, b.user_id FROM pairing_group_members a JOIN pairing_group_members b "
      "ON a.program = b.program AND a.slot = b.slot AND a.idx = b.idx AND a.user_id < b.user_id "
      "WHERE (?1 = '' OR a.program = ?1) AND a.slot >= ?2");
  stmt.bind_all(program, to_db(since));
  std::vector<std::pair<UserId, UserId>> all;
  while (stmt.step()) all.emplace_back(UserId(stmt.text(0)), UserId(stmt.text(1)));
  return all;
}

// --- onboarding ------------------------------------------------------------------------------
bool SqlitePairingStore::schedule_onboarding(const UserId& newcomer, const std::vector<OnboardingIntro>& intros) {
  if (onboarding_scheduled(newcomer)) return false;
  const auto at = intros.empty() ? TimePoint{} : intros.front().due;
  db_.prepare("INSERT INTO onboarding_newcomers (newcomer, at) VALUES (?, ?)")
      .bind_all(newcomer.str(), to_db(at))
      .run();
  auto stmt = db_.prepare(
      "INSERT INTO onboarding_intros (newcomer, partner, team, due_at, sent) VALUES (?, ?, ?, ?, 0) "
      "ON CONFLICT DO NOTHING");
  for (const auto& i : intros) {
    stmt.reset();
    stmt.bind_all(newcomer.str(), i.partner.str(), i.team, to_db(i.due)).run();
  }
  return true;
}

bool SqlitePairingStore::onboarding_scheduled(const UserId& newcomer) {
  auto stmt = db_.prepare("SELECT 1 FROM onboarding_newcomers WHERE newcomer = ?");
  stmt.bind_all(newcomer.str());
  return stmt.step();
}

std::vector<OnboardingIntro> SqlitePairingStore::due_onboarding(TimePoint now, int limit) {
  auto stmt = db_.prepare(std::string(intro_columns) +
                          "WHERE sent = 0 AND due_at <= ? ORDER BY due_at, newcomer, partner LIMIT ?");
  stmt.bind_all(to_db(now), limit);
  std::vector<OnboardingIntro> all;
  while (stmt.step()) all.push_back(read_intro(stmt));
  return all;
}

void SqlitePairingStore::mark_onboarding_sent(const UserId& newcomer, const UserId& partner) {
  db_.prepare("UPDATE onboarding_intros SET sent = 1 WHERE newcomer = ? AND partner = ?")
      .bind_all(newcomer.str(), partner.str())
      .run();
}

std::vector<OnboardingIntro> SqlitePairingStore::upcoming_partners(const UserId& newcomer) {
  auto stmt = db_.prepare(std::string(intro_columns) + "WHERE newcomer = ? ORDER BY due_at, partner");
  stmt.bind_all(newcomer.str());
  std::vector<OnboardingIntro> all;
  while (stmt.step()) all.push_back(read_intro(stmt));
  return all;
}

std::vector<UserId> SqlitePairingStore::new_joiners(const std::string& team, TimePoint since) {
  auto stmt = db_.prepare(
      "SELECT newcomer FROM onboarding_intros GROUP BY newcomer HAVING max(team) = ? AND min(due_at) >= ? "
      "ORDER BY min(due_at) DESC, newcomer");
  stmt.bind_all(team, to_db(since));
  std::vector<UserId> all;
  while (stmt.step()) all.emplace_back(stmt.text(0));
  return all;
}

// --- personal data ---------------------------------------------------------------------------
std::vector<std::string> SqlitePairingStore::describe(const UserId& user) {
  std::vector<std::string> lines;
  const auto programs = programs_of(user);
  if (!programs.empty()) {
    std::string list;
    for (const auto& p : programs) list += (list.empty() ? "" : ", ") + p;
    lines.push_back("intro pairing programs you joined: " + list + " (with when you joined and any snooze)");
  }
  if (const auto text = about(user)) {
    lines.push_back("what you shared with \"about\", shown to the people you are introduced to: \"" + *text + "\"");
  }
  auto stmt = db_.prepare(
      "SELECT (SELECT count(*) FROM pairing_blocks WHERE user_id = ?1), "
      "(SELECT count(*) FROM pairing_group_members WHERE user_id = ?1), "
      "(SELECT count(*) FROM pairing_group_members WHERE user_id = ?1 AND answer IS NOT NULL), "
      "(SELECT count(*) FROM pairing_skips WHERE user_id = ?1), "
      "(SELECT count(*) FROM pairing_left_out WHERE user_id = ?1), "
      "(SELECT count(*) FROM onboarding_intros WHERE newcomer = ?1 OR partner = ?1)");
  stmt.bind_all(user.str());
  stmt.step();
  if (stmt.int64(0)) lines.push_back("people on your pairing blocklist: " + std::to_string(stmt.int64(0)));
  if (stmt.int64(1)) {
    lines.push_back("pairing rounds you were grouped in: " + std::to_string(stmt.int64(1)) + " (who with, when; " +
                    std::to_string(stmt.int64(2)) + " \"did you meet?\" answers)");
  }
  if (stmt.int64(3)) lines.push_back("pairing rounds you chose to skip: " + std::to_string(stmt.int64(3)));
  if (stmt.int64(4)) lines.push_back("pairing rounds you were left out of: " + std::to_string(stmt.int64(4)));
  if (stmt.int64(5)) lines.push_back("onboarding intros with you: " + std::to_string(stmt.int64(5)));
  return lines;
}

void SqlitePairingStore::erase(const UserId& user) {
  const auto id = user.str();
  db_.prepare("DELETE FROM pairing_members WHERE user_id = ?").bind_all(id).run();
  db_.prepare("DELETE FROM pairing_skips WHERE user_id = ?").bind_all(id).run();
  db_.prepare("DELETE FROM pairing_blocks WHERE user_id = ?1 OR blocked = ?1").bind_all(id).run();
  db_.prepare("DELETE FROM pairing_about WHERE user_id = ?").bind_all(id).run();
  db_.prepare("DELETE FROM pairing_group_members WHERE user_id = ?").bind_all(id).run();
  db_.prepare("DELETE FROM pairing_left_out WHERE user_id = ?").bind_all(id).run();
  db_.prepare("DELETE FROM onboarding_intros WHERE newcomer = ?1 OR partner = ?1").bind_all(id).run();
  db_.prepare("DELETE FROM onboarding_newcomers WHERE newcomer = ?").bind_all(id).run();
}

void SqlitePairingStore::expire(TimePoint cutoff) {
  const auto c = to_db(cutoff);
  db_.prepare("DELETE FROM pairing_group_members WHERE slot < ?").bind_all(c).run();
  db_.prepare("DELETE FROM pairing_groups WHERE slot < ?").bind_all(c).run();
  db_.prepare("DELETE FROM pairing_left_out WHERE slot < ?").bind_all(c).run();
  db_.prepare("DELETE FROM pairing_rounds WHERE slot < ?").bind_all(c).run();
  db_.prepare("DELETE FROM pairing_skips WHERE slot < ?").bind_all(c).run();
  db_.prepare("DELETE FROM pairing_about WHERE at < ?").bind_all(c).run();
  db_.prepare("DELETE FROM onboarding_intros WHERE due_at < ? AND sent = 1").bind_all(c).run();
  db_.prepare("DELETE FROM onboarding_newcomers WHERE at < ?").bind_all(c).run();
}

}  // namespace kith::storage

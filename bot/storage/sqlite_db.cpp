#include "bot/storage/sqlite_db.hpp"

#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>

namespace kith::storage {
namespace {
[[noreturn]] void fail(sqlite3* db, std::string_view what, std::string_view sql) {
  throw DatabaseError("database error in " + std::string(what) + " (" + std::string(sql.substr(0, 80)) +
                      "): " + sqlite3_errmsg(db));
}
}  // namespace

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db), stmt_(nullptr) {
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) != SQLITE_OK) {
    sqlite3_finalize(stmt_);
    fail(db_, "prepare", sql);
  }
}

Statement::Statement(sqlite3* db, sqlite3_stmt* borrowed, bool& in_use) noexcept
    : db_(db), stmt_(borrowed), in_use_(&in_use) {
  in_use = true;
}

Statement::~Statement() {
  if (in_use_ == nullptr) {
    sqlite3_finalize(stmt_);
  } else if (stmt_ != nullptr) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    *in_use_ = false;
  }
}

Statement::Statement(Statement&& other) noexcept : db_(other.db_), stmt_(other.stmt_), in_use_(other.in_use_) {
  other.stmt_ = nullptr;
  other.in_use_ = nullptr;
}

std::string_view Statement::sql() const {
  const char* text = stmt_ != nullptr ? sqlite3_sql(stmt_) : nullptr;
  return text != nullptr ? std::string_view(text) : std::string_view();
}

Statement& Statement::bind(int index, std::int64_t value) {
  if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK) fail(db_, "bind", sql());
  return *this;
}
Statement& Statement::bind(int index, double value) {
  if (sqlite3_bind_double(stmt_, index, value) != SQLITE_OK) fail(db_, "bind", sql());
  return *this;
}
Statement& Statement::bind(int index, std::string_view value) {
  if (sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT) != SQLITE_OK) {
    fail(db_, "bind", sql());
  }
  return *this;
}
Statement& Statement::bind_blob(int index, std::span<const std::uint8_t> value) {
  if (sqlite3_bind_blob(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT) != SQLITE_OK) {
    fail(db_, "bind", sql());
  }
  return *this;
}
Statement& Statement::bind_blob_in_place(int index, std::span<const std::uint8_t> value) {
  if (sqlite3_bind_blob(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_STATIC) != SQLITE_OK) {
    fail(db_, "bind", sql());
  }
  return *this;
}
Statement& Statement::bind_null(int index) {
  if (sqlite3_bind_null(stmt_, index) != SQLITE_OK) fail(db_, "bind", sql());
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(db_, "step", sql());
}

void Statement::run() {
  while (step()) {
  }
  reset();
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t Statement::int64(int column) const {
  return sqlite3_column_int64(stmt_, column);
}
double Statement::real(int column) const {
  return sqlite3_column_double(stmt_, column);
}
std::string Statement::text(int column) const {
  const auto* p = sqlite3_column_text(stmt_, column);
  return p ? std::string(reinterpret_cast<const char*>(p),
                         static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)))
           : std::string();
}
std::span<const std::uint8_t> Statement::blob_view(int column) const {
  const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, column));
  // sqlite3_column_bytes after sqlite3_column_blob, as SQLite's documentation asks.
  return p ? std::span<const std::uint8_t>(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)))
           : std::span<const std::uint8_t>();
}
std::vector<std::uint8_t> Statement::blob(int column) const {
  const auto bytes = blob_view(column);
  return {bytes.begin(), bytes.end()};
}
bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

namespace {
/// Process-wide settings, applied before SQLite initialises itself on the first open. Memory
/// statistics (on by default) take a global mutex around every allocation SQLite makes, a
/// noticeable share of reading or writing millions of rows; Kith never reads them.
void configure_sqlite_once() {
  static const bool configured = [] { return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK; }();
  (void)configured;  // SQLITE_MISUSE when the process initialised SQLite first: then statistics stay on
}
}  // namespace

// Before WAL mode creates its files, which SQLite gives the database file's mode; files made by an older Kith
// with the process's umask are fixed too. A file Kith may not change (someone else's) is left as it is.
void Database::make_private() const {
  if (path_ == ":memory:" || path_.empty()) return;
  for (const auto* suffix : {"", "-wal", "-shm"}) (void)::chmod((path_ + suffix).c_str(), 0600);
}

Database::Database(const std::string& path, Access access) : path_(path), access_(access) {
  configure_sqlite_once();
  const int mode = access == Access::read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  if (sqlite3_open_v2(path.c_str(), &db_, mode | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
    const std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw DatabaseError("cannot open database " + path + ": " + message +
                        " (check that the data directory exists and is writable)");
  }
  sqlite3_busy_timeout(db_, 5000);
  if (access == Access::read_only) return;
  make_private();
  // WAL: readers never block the writer; synchronous=FULL makes every commit durable against
  // power loss, which is what "acknowledged means stored" needs.
  // secure_delete: erased rows are overwritten, so an opted-out person's data is not left in free space.
  exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON;");
}

void Database::backup_to(const std::string& target) {
  struct stat existing {};
  if (::stat(target.c_str(), &existing) == 0) {
    throw DatabaseError("backup file " + target + " exists already: choose a new name (a backup never overwrites)");
  }
  sqlite3* copy = nullptr;
  const auto opened = sqlite3_open_v2(target.c_str(), &copy, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  const auto fail = [&](const std::string& what) {
    const std::string message = copy ? sqlite3_errmsg(copy) : "out of memory";
    sqlite3_close(copy);
    std::remove(target.c_str());
    throw DatabaseError("cannot " + what + " " + target + ": " + message);
  };
  if (opened != SQLITE_OK) fail("create the backup file");
  (void)::chmod(target.c_str(), 0600);
  auto* backup = sqlite3_backup_init(copy, "main", db_, "main");
  if (!backup) fail("start the backup to");
  int step = SQLITE_OK;
  // A few hundred pages at a time, so a running Kith's writes go on between the steps.
  while (step == SQLITE_OK || step == SQLITE_BUSY || step == SQLITE_LOCKED) {
    step = sqlite3_backup_step(backup, 256);
    if (step == SQLITE_BUSY || step == SQLITE_LOCKED) sqlite3_sleep(20);
  }
  sqlite3_backup_finish(backup);
  if (step != SQLITE_DONE) fail("write the backup to");
  sqlite3_close(copy);
}

Database::~Database() {
  for (auto& [sql, entry] : cache_) sqlite3_finalize(entry.stmt);
  sqlite3_close(db_);
}

Statement Database::cached(std::string_view sql) {
  open_savepoints();
  return borrow(sql);
}

Statement Database::borrow(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) !=
        SQLITE_OK) {
      sqlite3_finalize(stmt);
      fail(db_, "prepare", sql);
    }
    it = cache_.emplace(std::string(sql), CachedStatement{stmt, false}).first;
  }
  if (it->second.in_use) return Statement(db_, sql);  // nested use of the same SQL
  return Statement(db_, it->second.stmt, it->second.in_use);
}

namespace {
/// Rows a multi-row INSERT takes at most: a power of two, and with Kith's widest table still far
/// below SQLite's limit of 32,766 parameters.
constexpr std::size_t max_rows_per_insert = 64;
}  // namespace

void Database::insert_later(std::string_view into, std::initializer_list<LaterValue> values) {
  // Few shapes (one today), so a linear search is the cheapest lookup.
  auto shape = std::find_if(later_shapes_.begin(), later_shapes_.end(),
                            [&](const LaterShape& s) { return s.into == into && s.values == values.size(); });
  if (shape == later_shapes_.end()) {
    shape = later_shapes_.insert(later_shapes_.end(), LaterShape{std::string(into), values.size(), {}});
  }
  later_rows_.push_back(LaterRow{static_cast<std::uint32_t>(shape - later_shapes_.begin()),
                                 static_cast<std::uint32_t>(later_values_.size()), later_bytes_.size()});
  for (const auto& value : values) {
    if (value.blob_) {
      later_values_.push_back(LaterParam{static_cast<std::int64_t>(later_bytes_.size()),
                                         static_cast<std::uint32_t>(value.blob_->size()), true});
      later_bytes_.insert(later_bytes_.end(), value.blob_->begin(), value.blob_->end());
    } else {
      later_values_.push_back(LaterParam{value.integer_, 0, false});
    }
  }
  ++later_added_;
  if (depth_ > 0) return;
  // Outside a transaction the row is a statement of its own: written now, or dropped with its error.
  try {
    write_later(later_added_);
  } catch (...) {
    drop_later(later_written_);
    throw;
  }
}

void Database::write_later(std::uint64_t end) {
  while (later_written_ < end) {
    // The longest run of rows of one shape, then as many of them as one statement takes.
    const auto first = static_cast<std::size_t>(later_written_ - (later_added_ - later_rows_.size()));
    const auto shape_index = later_rows_[first].shape;
    auto& shape = later_shapes_[shape_index];
    std::size_t run = 1;
    const auto available = static_cast<std::size_t>(end - later_written_);
    while (run < available && run < max_rows_per_insert && later_rows_[first + run].shape == shape_index) ++run;
    std::size_t rows = 1, log2_rows = 0;
    for (; rows * 2 <= run; ++log2_rows) rows *= 2;  // powers of two: a few statement texts cover any count
    if (shape.insert_sql.size() <= log2_rows) shape.insert_sql.resize(log2_rows + 1);
    auto& sql = shape.insert_sql[log2_rows];
    if (sql.empty()) {
      sql = "INSERT INTO " + shape.into + " VALUES ";
      std::string row = "(";
      for (std::size_t v = 0; v < shape.values; ++v) row += v == 0 ? "?" : ", ?";
      row += ")";
      for (std::size_t r = 0; r < rows; ++r) (sql += r == 0 ? "" : ", ") += row;
    }
    auto insert = borrow(sql);
    int index = 0;
    const auto* param = &later_values_[later_rows_[first].first_value];
    for (std::size_t n = 0; n < rows * shape.values; ++n, ++param) {
      if (param->is_blob) {
        // later_bytes_ is left alone until `insert` is done with.
        insert.bind_blob_in_place(
            ++index, std::span<const std::uint8_t>(later_bytes_.data() + static_cast<std::size_t>(param->integer),
                                                   param->blob_size));
      } else {
        insert.bind(++index, param->integer);
      }
    }
    insert.run();
    later_written_ += rows;
  }
  forget_written_later();
}

void Database::drop_later(std::uint64_t from) {
  if (from >= later_added_) return;
  const auto keep = later_rows_.size() - static_cast<std::size_t>(later_added_ - from);
  later_values_.resize(later_rows_[keep].first_value);
  later_bytes_.resize(later_rows_[keep].first_byte);
  later_rows_.resize(keep);
  later_added_ = from;
  forget_written_later();
}

void Database::forget_written_later() {
  // Rows written before a savepoint opened stay until the rest are written, as positions count from them.
  if (later_written_ != later_added_) return;
  later_rows_.clear();
  later_values_.clear();
  later_bytes_.clear();
}

Statement Database::prepare(std::string_view sql) {
  open_savepoints();
  return Statement(db_, sql);
}

void Database::exec(std::string_view sql) {
  open_savepoints();
  const std::string copy(sql);
  char* error = nullptr;
  if (sqlite3_exec(db_, copy.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    const std::string message = error ? error : sqlite3_errmsg(db_);
    sqlite3_free(error);
    throw DatabaseError("database error (" + copy.substr(0, 80) + "): " + message);
  }
}

namespace {
using TextToInteger = std::int64_t (*)(std::string_view);

struct DefinedFunction {
  TextToInteger fn;
};

void call_defined_function(sqlite3_context* context, int, sqlite3_value** args) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(args[0]));
  if (text == nullptr) {
    sqlite3_result_null(context);
    return;
  }
  const auto* defined = static_cast<const DefinedFunction*>(sqlite3_user_data(context));
  sqlite3_result_int64(context, defined->fn(std::string_view(text, sqlite3_value_bytes(args[0]))));
}
}  // namespace

void Database::define_function(const char* name, TextToInteger fn) {
  if (sqlite3_create_function_v2(db_, name, 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, new DefinedFunction{fn},
                                 call_defined_function, nullptr, nullptr,
                                 [](void* defined) { delete static_cast<DefinedFunction*>(defined); }) != SQLITE_OK) {
    fail(db_, "define_function", name);
  }
}

std::int64_t Database::last_insert_id() const {
  return sqlite3_last_insert_rowid(db_);
}
int Database::changes() const {
  return sqlite3_changes(db_);
}

namespace {
std::string savepoint_name(int level) {
  return "sp" + std::to_string(level);
}
}  // namespace

void Database::open_savepoints() {
  for (; opened_ < depth_; ++opened_) {
    write_later(later_marks_[static_cast<std::size_t>(opened_)]);
    borrow("SAVEPOINT " + savepoint_name(opened_)).run();
  }
  write_later(later_added_);
}

void Database::atomically(const std::function<void()>& work) {
  // The transaction itself begins at once: BEGIN IMMEDIATE takes the write lock before any work. A reader's
  // BEGIN takes its snapshot at its first read and keeps it to the end.
  const int level = depth_;
  if (level == 0) {
    borrow(access_ == Access::read_only ? "BEGIN" : "BEGIN IMMEDIATE").run();
    opened_ = 1;
  }
  later_marks_.push_back(later_added_);
  ++depth_;
  try {
    work();
    if (level == 0) write_later(later_added_);
  } catch (...) {
    undo_above(level);
    depth_ = level;
    // This call's rows: those already written are undone by the rollback below, the others dropped.
    drop_later(std::max(later_marks_.back(), later_written_));
    later_marks_.pop_back();
    if (opened_ > level) {
      opened_ = level;
      ++rollbacks_;
      if (level == 0) {
        borrow("ROLLBACK").run();
      } else {
        borrow("ROLLBACK TO " + savepoint_name(level)).run();
        borrow("RELEASE " + savepoint_name(level)).run();
      }
    }
    throw;
  }
  depth_ = level;
  later_marks_.pop_back();
  if (opened_ > level) {
    opened_ = level;
    try {
      borrow(level == 0 ? "COMMIT" : "RELEASE " + savepoint_name(level)).run();
    } catch (...) {
      undo_above(level);
      throw;
    }
  }
  if (level == 0) {
    undos_.clear();  // committed
  } else {
    // Now undone with the enclosing call. This call's are the newest.
    for (auto u = undos_.rbegin(); u != undos_.rend() && u->depth > level; ++u) u->depth = level;
  }
}

void Database::on_rollback(std::function<void()> undo) {
  if (depth_ > 0) undos_.push_back(Undo{depth_, std::move(undo)});
}

void Database::undo_above(int level) noexcept {
  while (!undos_.empty() && undos_.back().depth > level) {
    undos_.back().undo();
    undos_.pop_back();
  }
}

}  // namespace kith::storage

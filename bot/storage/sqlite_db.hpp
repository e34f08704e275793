#pragma once
// A thin RAII layer over SQLite: one connection, prepared statements (optionally cached per
// connection), and transactions that nest as savepoints. Every error names the statement that failed.
#include <array>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "bot/core/stores.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace kith::storage {

class DatabaseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Statement {
 public:
  /// Compiles `sql`; the statement is finalized when this object is destroyed.
  Statement(sqlite3* db, std::string_view sql);
  /// A statement owned by a cache (Database::cached): reset, its bindings cleared and `in_use`
  /// set back to false when this object is destroyed, instead of finalized.
  Statement(sqlite3* db, sqlite3_stmt* borrowed, bool& in_use) noexcept;
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Statement& bind_blob(int index, std::span<const std::uint8_t> value);
  /// bind_blob() without SQLite copying the bytes: they must stay valid and unchanged until this
  /// Statement is destroyed (which resets it).
  Statement& bind_blob_in_place(int index, std::span<const std::uint8_t> value);
  Statement& bind_null(int index);
  template <class T>
  Statement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind_null(index);
  }

  /// Binds all arguments in order, starting at 1.
  template <class... Args>
  Statement& bind_all(const Args&... args) {
    int i = 0;
    (bind(++i, args), ...);
    return *this;
  }

  /// Advances to the next row; false when done.
  bool step();
  /// Runs a statement that returns no rows.
  void run();
  void reset();

  [[nodiscard]] std::int64_t int64(int column) const;
  [[nodiscard]] double real(int column) const;
  [[nodiscard]] std::string text(int column) const;
  /// The column's bytes, valid until the next step() or reset(): no copy on hot read paths.
  [[nodiscard]] std::span<const std::uint8_t> blob_view(int column) const;
  [[nodiscard]] std::vector<std::uint8_t> blob(int column) const;
  [[nodiscard]] bool is_null(int column) const;

 private:
  [[nodiscard]] std::string_view sql() const;

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  bool* in_use_ = nullptr;  ///< Set when borrowed from a cache.
};

/// A value Database::insert_later() keeps until it writes its row: an integer, or a blob's bytes (copied).
class LaterValue {
 public:
  // Implicit, so that a row reads as a list of its values.
  LaterValue(std::int64_t integer) : integer_(integer) {}
  template <std::size_t N>
  LaterValue(const std::array<std::uint8_t, N>& blob) : blob_(blob) {}

 private:
  friend class Database;
  std::int64_t integer_ = 0;
  std::optional<std::span<const std::uint8_t>> blob_;
};

class Database final : public Transactions {
 public:
  enum class Access {
    read_write,
    /// A reader beside the writer (WAL): atomically() is then a read transaction, one snapshot throughout.
    read_only
  };
  /// Opens (creating if needed) the database at `path` in WAL mode; ":memory:" for tests.
  explicit Database(const std::string& path, Access access = Access::read_write);
  ~Database() override;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  Statement prepare(std::string_view sql);
  /// Like prepare(), but `sql` is compiled once per connection and reused: the returned Statement
  /// is reset (bindings cleared) when it goes out of scope. For fixed SQL on hot paths. A nested
  /// use of the same SQL while the first is still alive gets a freshly prepared statement.
  Statement cached(std::string_view sql);
  /// Inserts one row into `into` ("table (column, ...)", one value per column), later: rows wait
  /// in memory and are written many to a statement before the next statement on this connection
  /// (prepare, cached, exec), so every read sees them, and before the transaction commits. A row
  /// is written in the savepoint of the atomically() call that added it, or dropped with it, as
  /// if inserted at once. Outside a transaction it is written at once. For tables whose inserts
  /// nothing observes but reads: no triggers, no last_insert_id() or changes() afterwards.
  void insert_later(std::string_view into, std::initializer_list<LaterValue> values);
  /// Runs `undo` if the writes made so far in the innermost atomically() call in progress are
  /// undone: that call or an enclosing one rolls back, or the commit fails. Dropped once the
  /// transaction commits, and at once outside a transaction (the writes are durable already).
  /// For in-memory copies of what a table holds, kept exact through rollbacks. Must not throw.
  void on_rollback(std::function<void()> undo);
  /// Executes one or more statements with no parameters.
  void exec(std::string_view sql);
  /// Makes `fn` callable from SQL on this connection as `name(text)`. It must be deterministic.
  void define_function(const char* name, std::int64_t (*fn)(std::string_view text));
  [[nodiscard]] std::int64_t last_insert_id() const;
  [[nodiscard]] int changes() const;
  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  /// Writes a consistent copy of the database to `target`, a new file (mode 0600), through SQLite's online
  /// backup: Kith may keep running meanwhile. Throws DatabaseError naming the file when it exists or fails.
  void backup_to(const std::string& target);
  /// How many transactions and savepoints have been rolled back on this connection. A cache of
  /// table contents compares it with the count when it was filled: a change means writes it saw
  /// (or made itself) may have been undone.
  [[nodiscard]] std::uint64_t rollbacks() const noexcept { return rollbacks_; }

  // kith::Transactions
  /// Runs `work` in a transaction (BEGIN IMMEDIATE), or, nested, in a savepoint that is rolled back
  /// alone when `work` throws. A savepoint is opened only when `work` first asks for a statement
  /// (prepare, cached, exec): the dispatcher runs every ritual in its own savepoint for every event,
  /// and most rituals ignore most events. So a Statement obtained outside `work` and stepped inside
  /// it writes outside its savepoint; hot paths get their statements where they run them.
  void atomically(const std::function<void()>& work) override;

 private:
  /// The database file and its WAL files: owner only (0600).
  void make_private() const;
  struct CachedStatement {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;
  };
  struct SqlHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view sql) const noexcept { return std::hash<std::string_view>{}(sql); }
  };

  /// Rows insert_later() keeps, oldest first, and how to tell them apart by position: positions
  /// count the rows ever added, so a savepoint's rows are those from its mark on.
  struct LaterShape {
    std::string into;
    std::size_t values = 0;  ///< Per row.
    /// The INSERT of 2^i rows at index i, built on first use.
    std::vector<std::string> insert_sql;
  };
  struct LaterRow {
    std::uint32_t shape;        ///< Index into later_shapes_.
    std::uint32_t first_value;  ///< Index into later_values_.
    std::size_t first_byte;     ///< Index into later_bytes_.
  };
  struct LaterParam {
    std::int64_t integer;  ///< The integer, or the blob's offset in later_bytes_.
    std::uint32_t blob_size;
    bool is_blob;
  };

  /// Makes the connection ready for a statement: opens the savepoints of the atomically() calls in
  /// progress that have not opened theirs yet, each after writing the rows of the levels outside
  /// it, then writes the remaining rows in the innermost one.
  void open_savepoints();
  /// Writes the waiting rows with positions below `end`, many to a statement.
  void write_later(std::uint64_t end);
  /// Drops the waiting rows from position `from` on.
  void drop_later(std::uint64_t from);
  /// Empties the buffers once every row in them is written.
  void forget_written_later();
  /// A cached statement without opening savepoints first: for the transaction control statements.
  Statement borrow(std::string_view sql);

  sqlite3* db_ = nullptr;
  std::string path_;
  Access access_;
  int depth_ = 0;   ///< atomically() calls in progress.
  int opened_ = 0;  ///< Of those, the outermost ones whose BEGIN or SAVEPOINT has run.
  std::uint64_t rollbacks_ = 0;
  std::vector<LaterShape> later_shapes_;
  std::vector<LaterRow> later_rows_;  ///< Rows at positions later_written_ on.
  std::vector<LaterParam> later_values_;
  std::vector<std::uint8_t> later_bytes_;
  std::uint64_t later_added_ = 0;    ///< Position after the last row added.
  std::uint64_t later_written_ = 0;  ///< Position of the first row not written yet.
  /// Per atomically() call in progress, outermost first: later_added_ when it began.
  std::vector<std::uint64_t> later_marks_;
  /// Runs the on_rollback() callbacks registered at depths above `level`, newest first, and forgets them.
  void undo_above(int level) noexcept;
  struct Undo {
    int depth;  ///< Of the atomically() call whose writes it undoes; an enclosing one's once that call completes.
    std::function<void()> undo;
  };
  std::vector<Undo> undos_;
  /// SQL text -> its compiled statement. Nodes never move, so `in_use` can be pointed at.
  std::unordered_map<std::string, CachedStatement, SqlHash, std::equal_to<>> cache_;
};

}  // namespace kith::storage

#pragma once
#include "bot/core/clock.hpp"
#include "bot/core/digest_source.hpp"
#include "bot/core/stores/release_ledger.hpp"
#include "bot/privacy/crypto_noise.hpp"
#include "bot/privacy/pseudonymizer.hpp"

namespace kith::privacy {

struct ReleaseSettings {
  analytics::DisclosurePolicy policy;
  int retention_days = 182;  ///< Releases are checked against every release made in this period.
  int budget_days = 28;      ///< The period policy.epsilon_budget is spent over.
};

/// Builds the pseudonymous organisation (people who opted out of analytics left out), runs analytics over
/// the stored edges against everything the ledger says was published, and records the release in `ledger`.
/// Every computation shown is a release: the weekly digests, and dry runs, which show what was recorded.
class PseudonymousDigestSource final : public DigestSource {
 public:
  PseudonymousDigestSource(const Pseudonymizer& pseudonymizer, ReleaseLedger& ledger, const Clock& clock,
                           ReleaseSettings settings, analytics::MetricOptions options = {})
      : pseudonymizer_(pseudonymizer),
        ledger_(ledger),
        clock_(clock),
        settings_(std::move(settings)),
        options_(options) {}

  analytics::DigestComputation compute(TimePoint week_end, ReadStores& stores) override;
  void record(const analytics::DigestComputation& computed) override;

 private:
  const Pseudonymizer& pseudonymizer_;
  ReleaseLedger& ledger_;
  const Clock& clock_;
  ReleaseSettings settings_;
  analytics::MetricOptions options_;
  CryptoNoise noise_;
};

}  // namespace kith::privacy

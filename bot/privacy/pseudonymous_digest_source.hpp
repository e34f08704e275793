#pragma once
#include "bot/core/consent_store.hpp"
#include "bot/core/digest_source.hpp"
#include "bot/core/interaction_store.hpp"
#include "bot/core/org_store.hpp"
#include "bot/privacy/pseudonymizer.hpp"

namespace kith::privacy {

/// Builds the pseudonymous organisation (people who opted out of analytics left out) and runs
/// analytics over the stored edges.
class PseudonymousDigestSource final : public DigestSource {
 public:
  PseudonymousDigestSource(const Pseudonymizer& pseudonymizer, OrgStore& org, ConsentStore& consent,
                           const InteractionStore& interactions, analytics::DisclosurePolicy policy,
                           analytics::MetricOptions options = {})
      : pseudonymizer_(pseudonymizer),
        org_(org),
        consent_(consent),
        interactions_(interactions),
        policy_(policy),
        options_(options) {}

  analytics::DigestComputation compute(TimePoint week_end) override;

 private:
  const Pseudonymizer& pseudonymizer_;
  OrgStore& org_;
  ConsentStore& consent_;
  const InteractionStore& interactions_;
  analytics::DisclosurePolicy policy_;
  analytics::MetricOptions options_;
};

}  // namespace kith::privacy

#ifndef CLASSPLAN_COMMON_RULES_RULE_VALIDATOR_H_
#define CLASSPLAN_COMMON_RULES_RULE_VALIDATOR_H_

// The one check of a qualification rule tree (classplan.catalog.v1.QualificationRules). The
// catalog runs it on every class it writes and on its data files at start-up; the eligibility
// service runs it on every class that arrives from the catalog, before compiling it (a class
// stored by an older version may not pass). Plain functions over the messages, no gRPC types,
// so a fuzzer can call them directly.
//
// A valid tree: a root; every node has an id (unique in the tree) and exactly one rule; groups
// are non-empty; leaves quote their clause (source_text); months are >= 0 and within
// kMaxMonths (requirements > 0); every enum value is a known, specified one; every CIP code is
// NN, NN.NN or NN.NNNN and in the shipped CIP 2020 list (common/cip); depth and node
// count within the limits below; text within the length limits. The limits are documented in
// docs/eligibility.md ("Validation limits") and in qualifications.proto.

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "classplan/catalog/v1/qualifications.pb.h"
#include "common/status/field_violations.h"

namespace classplan::rules {

// Deepest nesting: the root is depth 0, its children depth 1, ...
inline constexpr int kMaxDepth = 16;
// Nodes in one tree (groups and leaves together).
inline constexpr int kMaxNodes = 256;
// Any month figure (a requirement, a part, a substitution, a cap): 100 years.
inline constexpr int kMaxMonths = 1200;
// A node id, e.g. "path-1/experience": letters, digits and - _ / . only.
inline constexpr size_t kMaxIdLength = 100;
// source_text of a node or substitution, and each note: bytes.
inline constexpr size_t kMaxTextLength = 4000;
// A licence issuer's name, and a CIP field's name: bytes.
inline constexpr size_t kMaxIssuerLength = 300;
inline constexpr size_t kMaxCipNameLength = 300;
// Notes on one tree.
inline constexpr int kMaxNotes = 50;
// Entries of one repeated list inside a node (fields, kinds, parts, options, licence types).
inline constexpr int kMaxListEntries = 50;
// Violations reported for one tree; the rest are summed up in one more.
inline constexpr size_t kMaxViolations = 50;

// Adds one violation to `v` per problem, with field paths under `prefix` (e.g.
// "job_class.minimum_qualification_rules"), naming the node's id in the description.
void CheckQualificationRules(const catalog::v1::QualificationRules& rules,
                             const std::string& prefix, status::Violations& v);

// CheckQualificationRules as a status: OK, or INVALID_ARGUMENT carrying the violations.
absl::Status ValidateQualificationRules(const catalog::v1::QualificationRules& rules,
                                        const std::string& prefix);

}  // namespace classplan::rules

#endif  // CLASSPLAN_COMMON_RULES_RULE_VALIDATOR_H_

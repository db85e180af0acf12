using System.Text.Json;
using Aos.Governance.Audit;
using Aos.Governance.Decisions;
using Aos.Governance.Policies;
using Aos.Governance.Risks;

namespace Aos.Server.Contracts;

/// <summary>Represents a page of audit entries, in insertion order.</summary>
/// <param name="Items">The entries.</param>
/// <param name="Next">The <c>after</c> value of the next page, or <see langword="null"/> on the last page.</param>
public sealed record AuditListResponse(IReadOnlyList<AuditEntry> Items, string? Next);

/// <summary>Represents a policy's source text, as put, validated or dry-run.</summary>
/// <param name="Format"><c>json</c> or <c>yaml</c>.</param>
/// <param name="Text">The policy's source text.</param>
/// <param name="IfMatch">The ETag the stored policy must still have, for a conditional put.</param>
public sealed record PolicySourceRequest(string? Format, string? Text, string? IfMatch = null);

/// <summary>Represents a stored or installed policy.</summary>
/// <param name="Name">The policy's name.</param>
/// <param name="Origin"><c>store</c> for a policy written through the API, <c>directory</c> for one of the policy directory's files.</param>
/// <param name="Installed">Whether the policy engine has it installed now.</param>
/// <param name="Format">The format of <paramref name="Text"/>, for a stored policy.</param>
/// <param name="Text">The source text, for a stored policy read one at a time.</param>
/// <param name="ETag">The version, for a stored policy.</param>
/// <param name="UpdatedAt">When it was last written, for a stored policy.</param>
/// <param name="UpdatedBy">Who last wrote it, for a stored policy.</param>
/// <param name="Source">The file, for a directory policy.</param>
public sealed record PolicyView(
    string Name, string Origin, bool Installed, string? Format = null, string? Text = null, string? ETag = null,
    DateTimeOffset? UpdatedAt = null, string? UpdatedBy = null, string? Source = null);

/// <summary>Represents a page of policies.</summary>
/// <param name="Items">The policies, stored ones first, by name.</param>
/// <param name="LastError">Why the last reload was refused (the previous policies stay installed), or <see langword="null"/>.</param>
public sealed record PolicyListResponse(IReadOnlyList<PolicyView> Items, string? LastError);

/// <summary>Represents a problem found in a policy's text.</summary>
/// <param name="Message">What is wrong and where.</param>
/// <param name="Line">The line, 1-based, when known.</param>
/// <param name="Column">The column, 1-based, when known.</param>
public sealed record PolicyProblem(string Message, long? Line, long? Column);

/// <summary>Represents the outcome of validating a policy.</summary>
/// <param name="Ok">Whether the policy is valid.</param>
/// <param name="Name">The policy's name, when valid.</param>
/// <param name="Rules">How many rules it has, when valid.</param>
/// <param name="Errors">What is wrong, when not valid.</param>
public sealed record PolicyValidationResponse(bool Ok, string? Name, int? Rules, IReadOnlyList<PolicyProblem> Errors);

/// <summary>Represents a system call presented to the policy engine.</summary>
/// <param name="Actor">Who makes the call.</param>
/// <param name="Agent">The agent the call is made by or for.</param>
/// <param name="Action">The action, such as <c>agent.send</c>.</param>
/// <param name="Resource">The resource the call acts on.</param>
/// <param name="Tenant">The tenant the call is made in.</param>
/// <param name="Payload">The call's payload.</param>
/// <param name="Risk">The call's risk level: <c>low</c>, <c>medium</c>, <c>high</c> or <c>critical</c>.</param>
/// <param name="Time">The time of the call; now when absent.</param>
public sealed record PolicyCallRequest(
    string? Actor, string? Agent, string? Action, string? Resource, string? Tenant, JsonElement? Payload, PolicyRiskLevel? Risk, DateTimeOffset? Time);

/// <summary>Represents a candidate policy and the calls to decide as if it were installed.</summary>
/// <param name="Policy">The candidate policy.</param>
/// <param name="Calls">The calls.</param>
public sealed record PolicyDryRunRequest(PolicySourceRequest? Policy, IReadOnlyList<PolicyCallRequest?>? Calls);

/// <summary>Represents the decisions of a dry run, in the order of the calls.</summary>
/// <param name="Policy">The candidate's name.</param>
/// <param name="Decisions">The decisions.</param>
public sealed record PolicyDryRunResponse(string Policy, IReadOnlyList<PolicyDecision> Decisions);

/// <summary>Represents a risk to record.</summary>
/// <param name="Title">The short title.</param>
/// <param name="Description">The description.</param>
/// <param name="Category">The category.</param>
/// <param name="Likelihood">How likely, 1 to 5.</param>
/// <param name="Impact">How bad, 1 to 5.</param>
/// <param name="Owner">Who is responsible.</param>
/// <param name="Status"><c>identified</c> (the default) or <c>assessed</c>.</param>
/// <param name="ReviewInterval">How long a review lasts, as a duration such as <c>30d</c>; 30 days when absent.</param>
public sealed record CreateRiskRequest(
    string? Title, string? Description, string? Category, int? Likelihood, int? Impact, string? Owner, RiskStatus? Status, string? ReviewInterval);

/// <summary>Represents a change to a risk: what is absent is kept.</summary>
/// <param name="Likelihood">The new likelihood.</param>
/// <param name="Impact">The new impact.</param>
/// <param name="Owner">The new owner.</param>
/// <param name="Status">The new status.</param>
/// <param name="ReviewInterval">The new review interval, as a duration such as <c>30d</c>.</param>
/// <param name="IfMatch">The ETag the risk must still have.</param>
public sealed record UpdateRiskRequest(int? Likelihood, int? Impact, string? Owner, RiskStatus? Status, string? ReviewInterval, string? IfMatch);

/// <summary>Represents a mitigation to add to a risk.</summary>
/// <param name="Description">What is done.</param>
/// <param name="Owner">Who is responsible for it.</param>
/// <param name="Status">Its state in the owner's words.</param>
/// <param name="IfMatch">The ETag the risk must still have.</param>
public sealed record AddMitigationRequest(string? Description, string? Owner, string? Status, string? IfMatch);

/// <summary>Represents a review of a risk.</summary>
/// <param name="IfMatch">The ETag the risk must still have.</param>
public sealed record ReviewRiskRequest(string? IfMatch);

/// <summary>Represents a page of risks.</summary>
/// <param name="Items">The risks.</param>
/// <param name="Next">The <c>after</c> value of the next page, or <see langword="null"/> on the last page.</param>
public sealed record RiskListResponse(IReadOnlyList<Risk> Items, string? Next);

/// <summary>Represents a decision a person records, as the caller.</summary>
/// <param name="DecidedBy">Who decided: the caller; may be left out.</param>
/// <param name="Time">When it was decided; now when absent.</param>
/// <param name="Context">The situation, as JSON.</param>
/// <param name="Options">The options considered.</param>
/// <param name="Choice">What was chosen.</param>
/// <param name="Rationale">Why.</param>
/// <param name="Evidence">References to the evidence.</param>
/// <param name="Approvals">The ids of the approvals that concern it.</param>
/// <param name="AuditEntries">References to the audit entries that record it.</param>
public sealed record RecordDecisionRequest(
    string? DecidedBy, DateTimeOffset? Time, JsonElement? Context, IReadOnlyList<DecisionOption>? Options, string? Choice, string? Rationale,
    IReadOnlyList<string>? Evidence, IReadOnlyList<string>? Approvals, IReadOnlyList<string>? AuditEntries);

/// <summary>Represents a page of decision records.</summary>
/// <param name="Items">The decisions.</param>
/// <param name="Next">The <c>after</c> value of the next page, or <see langword="null"/> on the last page.</param>
public sealed record DecisionListResponse(IReadOnlyList<Decision> Items, string? Next);

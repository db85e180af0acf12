using Aos.Governance.Audit;
using Aos.Governance.Decisions;
using Aos.Storage;

namespace Aos.Governance.Compliance;

/// <summary>Maps compliance controls to AOS actions, asserts audited actions against them, and summarises a tenant's compliance rate.</summary>
/// <remarks>
/// <para>
/// The built-in frameworks (SOC 2, ISO/IEC 27001:2022 Annex A) ship with AOS and cannot be changed. Custom frameworks are kept
/// installation-wide (no tenant) in the document store <see cref="GovernanceStores.Documents"/>; each is checked whole before it is
/// stored, so a bad one changes nothing.
/// </para>
/// <para>
/// An assertion judges one audit entry against every control whose action globs match its action: a control passes when each of its
/// pre-conditions (who acted, the policy evaluated, the approval obtained) and post-conditions (the outcome, the audit chain, the decision
/// record) holds. Thread-safe.
/// </para>
/// </remarks>
public sealed partial class ComplianceService
{
    /// <summary>Gets how many failures a summary lists per control (all are counted).</summary>
    public const int MaxFailuresPerControl = 20;

    internal const string Collection = "compliance-frameworks";

    // Custom frameworks are installation-wide: one partition for all of them.
    private const string Partition = "installation";

    private readonly StorageCatalog _catalog;
    private readonly DecisionLog _decisions;
    private readonly IAuditLog? _auditLog;

    /// <summary>Initializes a new instance of the <see cref="ComplianceService"/> class.</summary>
    /// <param name="catalog">The named stores, where custom frameworks are kept.</param>
    /// <param name="decisions">The decision log, for the decision-record check.</param>
    /// <param name="auditLog">The audit log summaries read; <see langword="null"/> when the node keeps none (summaries are then refused).</param>
    public ComplianceService(StorageCatalog catalog, DecisionLog decisions, IAuditLog? auditLog = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(decisions);
        _catalog = catalog;
        _decisions = decisions;
        _auditLog = auditLog;
    }

    /// <summary>Gets a value indicating whether the node keeps an audit log, which <see cref="SummarizeAsync"/> needs.</summary>
    public bool HasAuditLog => _auditLog is not null;

    private IDocumentStore Store => _catalog.GetDocumentStore(GovernanceStores.Documents);
}

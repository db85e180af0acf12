using System.Text.Json;
using Aos.Governance.Audit;
using Aos.Governance.Decisions;
using Aos.Security;

namespace Aos.Governance.Compliance;

/// <summary>Asserts audited actions against the controls mapped to them.</summary>
public sealed partial class ComplianceService
{
    /// <summary>Asserts each of a sequence of audit entries against every control mapped to its action.</summary>
    /// <param name="entries">The entries, such as the entries of one action (held, then decided); the chain check links each to the one before it when that is among them.</param>
    /// <param name="framework">The framework whose controls to check; <see langword="null"/> for every framework.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>One assertion per entry, in the order given.</returns>
    /// <exception cref="AosValidationException">The framework is unknown, or an entry's tenant is not valid.</exception>
    public async Task<IReadOnlyList<ComplianceAssertion>> AssertAsync(IReadOnlyList<AuditEntry> entries, string? framework = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var frameworks = await SelectAsync(framework, cancellationToken).ConfigureAwait(false);
        foreach (var entry in entries)
        {
            ArgumentNullException.ThrowIfNull(entry);
            AosTenants.Validate(entry.Tenant, "entries.tenant");
        }

        var links = Uses(frameworks, ComplianceChecks.DecisionRecord)
            ? await DecisionLinksAsync(entries.Select(e => e.Tenant).Distinct(StringComparer.Ordinal), cancellationToken).ConfigureAwait(false)
            : null;
        using var evidence = new ComplianceEvidence(verification: null, links);
        foreach (var entry in entries)
        {
            evidence.Add(entry);
        }

        return [.. entries.Select(e => Assert(e, frameworks, evidence))];
    }

    internal static ComplianceAssertion Assert(AuditEntry entry, IReadOnlyList<CompiledFramework> frameworks, ComplianceEvidence evidence)
    {
        var fields = AuditEntryFields.ToJson(entry);
        var results = new List<ComplianceControlResult>();
        foreach (var framework in frameworks)
        {
            foreach (var control in framework.Controls)
            {
                if (control.Covers(entry.Action))
                {
                    results.Add(Judge(framework, control, entry, fields, evidence));
                }
            }
        }

        return new ComplianceAssertion(entry.Id, entry.Action, entry.Outcome, results);
    }

    private static ComplianceControlResult Judge(CompiledFramework framework, CompiledControl control, AuditEntry entry, JsonElement fields, ComplianceEvidence evidence) =>
        control.Evaluate(entry, fields, evidence) is { } failure
            ? new ComplianceControlResult(framework.Framework.Id, control.Control.Id, control.Control.Title, false, failure.Condition, failure.Reason)
            : new ComplianceControlResult(framework.Framework.Id, control.Control.Id, control.Control.Title, true, null, null);

    private async Task<List<CompiledFramework>> SelectAsync(string? framework, CancellationToken cancellationToken)
    {
        var all = await LoadAsync(cancellationToken).ConfigureAwait(false);
        if (framework is null)
        {
            return all;
        }

        var selected = all.Where(f => f.Framework.Id == framework).ToList();
        return selected.Count > 0
            ? selected
            : throw new AosValidationException($"There is no compliance framework '{framework}': use one of {string.Join(", ", all.Select(f => f.Framework.Id))}.") { Field = "framework" };
    }

    private static bool Uses(IEnumerable<CompiledFramework> frameworks, string check) => frameworks.Any(f => f.Controls.Any(c => c.Uses(check)));

    private async Task<HashSet<string>> DecisionLinksAsync(IEnumerable<string> tenants, CancellationToken cancellationToken)
    {
        var links = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tenant in tenants)
        {
            string? after = null;
            do
            {
                var page = await _decisions.ListAsync(tenant, new DecisionQuery { Limit = 500, After = after }, cancellationToken).ConfigureAwait(false);
                foreach (var decision in page.Items)
                {
                    foreach (var reference in decision.AuditEntries)
                    {
                        links.Add(ComplianceEvidence.DecisionLink(tenant, reference));
                    }
                }

                after = page.Next;
            }
            while (after is not null);
        }

        return links;
    }
}

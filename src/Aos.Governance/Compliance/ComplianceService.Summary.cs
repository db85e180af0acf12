using Aos.Governance.Audit;
using Aos.Security;

namespace Aos.Governance.Compliance;

/// <summary>Summarises a tenant's compliance over a time range.</summary>
public sealed partial class ComplianceService
{
    /// <summary>Reads a tenant's audit entries of a time range, asserts each against the controls mapped to its action, and reports the rates.</summary>
    /// <param name="query">The tenant, the range and the framework.</param>
    /// <param name="cancellationToken">The token to monitor for cancellation requests.</param>
    /// <returns>The summary: per control, per framework and overall; a control no entry was mapped to is reported not exercised, without a rate.</returns>
    /// <exception cref="AosValidationException">The tenant, the range or the framework is not valid.</exception>
    /// <exception cref="InvalidOperationException">The node keeps no audit log (<see cref="HasAuditLog"/> is <see langword="false"/>).</exception>
    /// <remarks>The audit-chain check also uses the log's own verification: an entry at or after the first bad entry fails it.</remarks>
    public async Task<ComplianceSummary> SummarizeAsync(ComplianceSummaryQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var log = _auditLog ?? throw new InvalidOperationException("This node keeps no audit log, so there is nothing to summarise: register one with AddAosAuditLog.");
        AosTenants.Validate(query.Tenant);
        if (query.From >= query.To)
        {
            throw new AosValidationException($"The range is empty: 'from' ({query.From:O}) must be before 'to' ({query.To:O}).") { Field = "from" };
        }

        var frameworks = await SelectAsync(query.Framework, cancellationToken).ConfigureAwait(false);
        var verification = Uses(frameworks, ComplianceChecks.AuditChain) ? await log.VerifyAsync(cancellationToken).ConfigureAwait(false) : null;
        var links = Uses(frameworks, ComplianceChecks.DecisionRecord) ? await DecisionLinksAsync([query.Tenant], cancellationToken).ConfigureAwait(false) : null;
        using var evidence = new ComplianceEvidence(verification, links);
        var tallies = frameworks.ToDictionary(f => f, f => f.Controls.Select(_ => new Tally()).ToArray());
        var entries = 0;
        long? after = null;
        do
        {
            var page = await log.QueryAsync(new AuditQuery { Tenant = query.Tenant, From = query.From, To = query.To, After = after, Limit = AuditQuery.MaxLimit }, cancellationToken).ConfigureAwait(false);
            foreach (var entry in page.Entries)
            {
                entries++;
                evidence.Add(entry);
                var assertion = Assert(entry, frameworks, evidence);
                evidence.Forget(entry.Id - 1);
                foreach (var result in assertion.Controls)
                {
                    var framework = frameworks.First(f => f.Framework.Id == result.Framework);
                    var index = IndexOf(framework, result.Control);
                    tallies[framework][index].Add(entry, result);
                }
            }

            after = page.Next;
        }
        while (after is not null);

        var summaries = frameworks.Select(f => Summarize(f, tallies[f])).ToArray();
        var evaluated = summaries.Sum(s => s.Evaluated);
        var passed = summaries.Sum(s => s.Passed);
        return new ComplianceSummary(query.Tenant, query.From, query.To, entries, evaluated, passed, evaluated - passed, Rate(passed, evaluated), summaries);
    }

    private static int IndexOf(CompiledFramework framework, string control)
    {
        for (var i = 0; i < framework.Controls.Count; i++)
        {
            if (framework.Controls[i].Control.Id == control)
            {
                return i;
            }
        }

        throw new InvalidOperationException($"The control '{control}' is not in the framework '{framework.Framework.Id}'.");
    }

    private static ComplianceFrameworkSummary Summarize(CompiledFramework framework, Tally[] tallies)
    {
        var controls = framework.Controls.Select((c, i) => new ComplianceControlSummary(
            c.Control.Id, c.Control.Title, tallies[i].Evaluated, tallies[i].Passed, tallies[i].Evaluated - tallies[i].Passed, Rate(tallies[i].Passed, tallies[i].Evaluated), tallies[i].Failures)).ToArray();
        var evaluated = controls.Sum(c => c.Evaluated);
        var passed = controls.Sum(c => c.Passed);
        return new ComplianceFrameworkSummary(framework.Framework.Id, framework.Framework.Name, evaluated, passed, evaluated - passed, Rate(passed, evaluated), controls);
    }

    private static double? Rate(int passed, int evaluated) => evaluated == 0 ? null : (double)passed / evaluated;

    private sealed class Tally
    {
        public int Evaluated { get; private set; }

        public int Passed { get; private set; }

        public List<ComplianceFailure> Failures { get; } = [];

        public void Add(AuditEntry entry, ComplianceControlResult result)
        {
            Evaluated++;
            if (result.Passed)
            {
                Passed++;
            }
            else if (Failures.Count < MaxFailuresPerControl)
            {
                Failures.Add(new ComplianceFailure(entry.Id, entry.Action, result.Reason!));
            }
        }
    }
}

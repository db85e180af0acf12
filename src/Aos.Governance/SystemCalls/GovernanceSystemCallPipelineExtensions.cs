using Aos.Approvals;
using Aos.Governance.Audit;
using Aos.Governance.Policies;
using Aos.SystemCalls;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Aos.Governance.SystemCalls;

/// <summary>Adds the governance stages to a system-call pipeline.</summary>
public static class GovernanceSystemCallPipelineExtensions
{
    /// <summary>Adds the stage that decides calls against the installed policies (<see cref="PolicySystemCallInvoker"/>).</summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static SystemCallPipelineBuilder UsePolicy(this SystemCallPipelineBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) => new PolicySystemCallInvoker(
            inner, services.GetRequiredService<PolicyEngine>(), services.GetService<IApprovalGate>(), Options(services)));
    }

    /// <summary>Adds the stage that records every call in the audit log (<see cref="AuditingSystemCallInvoker"/>).</summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <returns>The same builder, for chaining.</returns>
    /// <remarks>
    /// Add it outside authorization and policy, so that their refusals are recorded. On a host with no <see cref="IAuditLog"/> the stage
    /// is left out and a warning says so at start: calls are still authorized and decided by policy, but not recorded.
    /// </remarks>
    public static SystemCallPipelineBuilder UseAudit(this SystemCallPipelineBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) =>
        {
            var logger = services.GetRequiredService<ILogger<AuditingSystemCallInvoker>>();
            if (services.GetService<IAuditLog>() is not { } log)
            {
                AuditingSystemCallInvoker.LogNoAuditLog(logger);
                return inner;
            }

            return new AuditingSystemCallInvoker(inner, log, Options(services), logger);
        });
    }

    private static SystemCallGovernanceOptions Options(IServiceProvider services) =>
        services.GetService<IOptions<SystemCallGovernanceOptions>>()?.Value ?? new SystemCallGovernanceOptions();
}

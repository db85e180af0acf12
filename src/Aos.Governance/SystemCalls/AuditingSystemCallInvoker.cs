using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aos.Governance.Audit;
using Aos.SystemCalls;
using Microsoft.Extensions.Logging;

namespace Aos.Governance.SystemCalls;

/// <summary>Records every system call in the tamper-evident audit log with its outcome: succeeded, denied (and why) or failed.</summary>
/// <remarks>
/// It sits outside authorization and policy so that their refusals are recorded too. The entry carries what the inner stages annotated
/// (the policy decision, the approval that released the call, the redacted fields), the acting agent, the error of a failed call and the
/// trace id. By default the entry joins the log's next batch without holding the call (<see cref="SystemCallGovernanceOptions.WaitForAudit"/>),
/// unless the log is backlogged (<see cref="IAuditLog.IsBacklogged"/>): then the call waits for its entry, which bounds the backlog.
/// </remarks>
public sealed partial class AuditingSystemCallInvoker(ISystemCallInvoker innerInvoker, IAuditLog auditLog, SystemCallGovernanceOptions options, ILogger<AuditingSystemCallInvoker> logger)
    : DelegatingSystemCallInvoker(innerInvoker)
{
    /// <inheritdoc />
    public override async ValueTask<TResult> InvokeAsync<TResult>(SystemCall systemCall, Func<SystemCall, CancellationToken, ValueTask<TResult>> operation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(systemCall);
        TResult result;
        try
        {
            result = await base.InvokeAsync(systemCall, operation, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            var refused = SystemCallErrors.IsRefusal(ex);
            await RecordAsync(systemCall, refused ? SystemCallOutcomes.Denied : SystemCallOutcomes.Failed, ex).ConfigureAwait(false);
            throw;
        }

        await RecordAsync(systemCall, SystemCallOutcomes.Succeeded, null).ConfigureAwait(false);
        return result;
    }

    /// <summary>Builds the audit record of a call as it ended.</summary>
    /// <param name="systemCall">The call.</param>
    /// <param name="outcome">One of <see cref="SystemCallOutcomes"/>.</param>
    /// <param name="error">The exception it ended with, if any.</param>
    /// <returns>The record.</returns>
    public static AuditRecord ToRecord(SystemCall systemCall, string outcome, Exception? error)
    {
        ArgumentNullException.ThrowIfNull(systemCall);
        ArgumentNullException.ThrowIfNull(outcome);
        JsonObject? context = null;
        if (systemCall.HasAnnotations)
        {
            context = (JsonObject)systemCall.Annotations.DeepClone();
        }

        if (systemCall.Agent is { } agent)
        {
            (context ??= [])["agent"] = agent;
        }

        if (error is not null)
        {
            // Exception messages of AOS never carry secrets or payloads; others are summarised by type only.
            (context ??= [])["error"] = error is AosException ? error.Message : error.GetType().Name;
        }

        if (Activity.Current is { } activity)
        {
            (context ??= [])["traceId"] = activity.TraceId.ToHexString();
        }

        return new AuditRecord
        {
            Tenant = systemCall.Tenant,
            Actor = systemCall.Actor,
            Action = systemCall.Action,
            Resource = systemCall.Resource,
            Outcome = outcome,
            Level = outcome == SystemCallOutcomes.Succeeded ? AuditLevel.Info : AuditLevel.Warning,
            Context = context is null ? null : JsonNodeElements.ToElement(context),
        };
    }

    private async ValueTask RecordAsync(SystemCall systemCall, string outcome, Exception? error)
    {
        var append = auditLog.AppendAsync(ToRecord(systemCall, outcome, error), CancellationToken.None);

        // Over the log's backlog bound the call waits for its entry too: callers slow to the log's pace, the queue stays bounded.
        if (options.WaitForAudit || auditLog.IsBacklogged)
        {
            await append.ConfigureAwait(false);
            return;
        }

        _ = append.ContinueWith(
            static (task, state) =>
            {
                var (logger, action) = ((ILogger, string))state!;
                LogAppendFailed(logger, action, task.Exception!.GetBaseException());
            },
            (logger, systemCall.Action),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    [LoggerMessage(2, LogLevel.Warning, "No audit log is registered: system calls are authorized and decided by policy but not recorded. Register one with services.AddAosAuditLog(...)")]
    internal static partial void LogNoAuditLog(ILogger logger);

    [LoggerMessage(1, LogLevel.Error, "The audit entry of a '{Action}' system call could not be written")]
    private static partial void LogAppendFailed(ILogger logger, string action, Exception exception);
}

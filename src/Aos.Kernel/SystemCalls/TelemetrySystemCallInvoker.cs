using System.Diagnostics;
using Aos.Kernel.Diagnostics;
using Aos.SystemCalls;

namespace Aos.Kernel.SystemCalls;

/// <summary>Traces and counts system calls: one span per call (when listened to), a counter by action and outcome, and a duration histogram.</summary>
public sealed class TelemetrySystemCallInvoker(ISystemCallInvoker innerInvoker, TimeProvider timeProvider) : DelegatingSystemCallInvoker(innerInvoker)
{
    /// <inheritdoc />
    public override async ValueTask<TResult> InvokeAsync<TResult>(SystemCall systemCall, Func<SystemCall, CancellationToken, ValueTask<TResult>> operation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(systemCall);
        using var activity = KernelDiagnostics.ActivitySource.StartActivity(systemCall.Action, ActivityKind.Internal);
        if (activity is not null)
        {
            activity.SetTag("aos.syscall.action", systemCall.Action);
            activity.SetTag("aos.syscall.resource", systemCall.Resource);
            activity.SetTag("aos.tenant", systemCall.Tenant);
            activity.SetTag("aos.actor", systemCall.Actor);
        }

        var started = timeProvider.GetTimestamp();
        var outcome = SystemCallOutcomes.Failed;
        try
        {
            var result = await base.InvokeAsync(systemCall, operation, cancellationToken).ConfigureAwait(false);
            outcome = SystemCallOutcomes.Succeeded;
            return result;
        }
        catch (Exception ex) when (SystemCallErrors.IsRefusal(ex))
        {
            outcome = SystemCallOutcomes.Denied;
            throw;
        }
        finally
        {
            var tags = new TagList { { "aos.syscall.action", systemCall.Action }, { "aos.syscall.outcome", outcome } };
            KernelDiagnostics.SystemCalls.Add(1, tags);
            KernelDiagnostics.SystemCallDuration.Record(timeProvider.GetElapsedTime(started).TotalSeconds, tags);
            activity?.SetTag("aos.syscall.outcome", outcome);
            if (outcome == SystemCallOutcomes.Failed)
            {
                activity?.SetStatus(ActivityStatusCode.Error);
            }
        }
    }
}

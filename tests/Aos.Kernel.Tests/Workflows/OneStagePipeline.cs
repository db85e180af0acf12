using Aos.SystemCalls;

namespace Aos.Kernel.Tests.Workflows;

/// <summary>A system-call pipeline of one stage: it records each call, and either throws what the stage returns or lets the call through.</summary>
/// <param name="stage">Decides a call: the refusal to throw, or <see langword="null"/> to let it through (it may change the call's payload first).</param>
internal sealed class OneStagePipeline(Func<SystemCall, Exception?> stage) : ISystemCallInvoker
{
    public List<SystemCall> Calls { get; } = [];

    public async ValueTask<TResult> InvokeAsync<TResult>(SystemCall systemCall, Func<SystemCall, CancellationToken, ValueTask<TResult>> operation, CancellationToken cancellationToken = default)
    {
        Calls.Add(systemCall);
        if (stage(systemCall) is { } refusal)
        {
            throw refusal;
        }

        return await operation(systemCall, cancellationToken);
    }
}

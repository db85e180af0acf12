using Aos.SystemCalls;
using Microsoft.Extensions.DependencyInjection;

namespace Aos.Reliability.SystemCalls;

/// <summary>Adds the reliability stage to a system-call pipeline.</summary>
public static class ReliabilitySystemCallPipelineExtensions
{
    /// <summary>Adds the stage that sheds calls by priority under load (<see cref="LoadSheddingSystemCallInvoker"/>).</summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static SystemCallPipelineBuilder UseResilience(this SystemCallPipelineBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) => new LoadSheddingSystemCallInvoker(inner, services.GetRequiredService<LoadShedder>()));
    }
}

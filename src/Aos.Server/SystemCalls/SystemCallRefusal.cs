using Aos.SystemCalls;

namespace Aos.Server.SystemCalls;

/// <summary>Passes on ASP.NET Core's refusal of a route to the pipeline's authorization stage, so the refusal is audited like any other.</summary>
internal sealed class SystemCallRefusal(string reason) : ISystemCallAuthorizer
{
    public void Authorize(SystemCall systemCall) => throw new SystemCallForbiddenException(reason);
}

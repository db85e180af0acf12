namespace Aos.Conversations;

/// <summary>Records that a role signed off a conversation.</summary>
/// <param name="Role">The role.</param>
/// <param name="By">Who signed, as they named themselves.</param>
/// <param name="At">When.</param>
public sealed record SignOff(string Role, string By, DateTimeOffset At);

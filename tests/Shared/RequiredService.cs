namespace Aos.TestSupport;

/// <summary>What a test does when a server it needs does not answer: it skips, or fails under <c>AOS_TEST_REQUIRE_SERVICES=1</c>, which <c>.ci/run</c> sets.</summary>
internal static class RequiredService
{
    /// <summary>Gets whether absent servers fail tests instead of skipping them.</summary>
    public static bool IsRequired { get; } = Environment.GetEnvironmentVariable("AOS_TEST_REQUIRE_SERVICES") == "1";

    /// <summary>Skips the current test with a reason, or fails it when servers are required.</summary>
    /// <param name="reason">What is missing and how to start it.</param>
    public static void SkipOrFail(string reason)
    {
        if (IsRequired)
        {
            Assert.Fail(reason + " AOS_TEST_REQUIRE_SERVICES=1, so this is a failure.");
        }

        Assert.Skip(reason);
    }
}

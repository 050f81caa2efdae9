namespace Cumin.Api.Auth;

/// <summary>
/// Every signing key that appears in Cumin's repository (configuration, compose, tests), which anyone can read and so
/// mint access tokens with. The API refuses each of them outside Development and Testing. A test
/// (PublishedSigningKeysTests) scans the repository for keys and fails when one is missing here: add it, never remove one
/// (a key once published stays known, in the history).
/// </summary>
public static class PublishedSigningKeys
{
    public static IReadOnlySet<string> All { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        // Cumin.Api/appsettings.Development.json (make run, make cluster)
        "cumin-development-signing-key-not-for-production-use-0123456789",
        // docker-compose.yml's former default for CUMIN_SIGNING_KEY (compose now requires it to be set)
        "compose-only-signing-key-replace-me-0123456789abcdef",
        // tests
        "cumin-test-signing-key-0123456789-0123456789-abcdef",
        "cumin-cluster-test-signing-key-0123456789-0123456789",
        "caching-handler-tests-key-0123456789-abcdef",
        "another-key-that-is-long-enough-0123456789",
    };

    public static bool Contains(string key) => All.Contains(key.Trim());
}

namespace Cumin.Lambdas.Hosting;

/// <summary>
/// Marks a method that calls AWS without the SDK's clients (over HTTP, through a Lambda extension), with the IAM action
/// it needs, so the test that checks every function's calls against its role in deploy/cumin.yaml sees it too.
/// <see cref="ResourceVariable"/> names the environment variable that holds the resource it acts on.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AwsActionAttribute(string action) : Attribute
{
    public string Action { get; } = action;

    public string? ResourceVariable { get; init; }
}

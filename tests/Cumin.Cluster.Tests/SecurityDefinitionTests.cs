using System.Text.RegularExpressions;
using Cumin.Api.Auth;
using Cumin.Cluster.Tests.TestSupport;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using YamlDotNet.RepresentationModel;

namespace Cumin.Cluster.Tests;

/// <summary>
/// Issue 12 in the deployment definitions and the repository: no published signing key is accepted in production
/// (finding 10), only the configured proxy may name the client (finding 1), the silo dashboard is off unless asked for
/// and NGINX shows no version and answers its own errors as problem+json (finding 18).
/// </summary>
public sealed partial class SecurityDefinitionTests
{
    private static readonly YamlMappingNode Compose = Yaml.Load(Repository.PathOf("docker-compose.yml"));

    private static readonly YamlMappingNode Template = Yaml.Load(Repository.PathOf("deploy", "cumin.yaml"));

    private static readonly string[] TextExtensions = [".cs", ".json", ".yml", ".yaml", ".sh", ".md", ".mjs", ".conf", ".props"];

    // ------------------------------------------------------------------ signing keys (finding 10)

    [Fact]
    public void Every_signing_key_written_in_the_repository_is_on_the_published_list()
    {
        var found = new List<(string File, string Key)>();
        foreach (var file in RepositoryTextFiles())
        {
            var text = File.ReadAllText(file);
            foreach (var pattern in KeyPatterns)
            {
                foreach (Match match in pattern.Matches(text))
                {
                    var key = match.Groups["key"].Value;
                    // Generated at run time (bench's random keys, compose's required variable), or too short to be accepted
                    // as a key at all: nothing to publish.
                    if (key.Length >= 32 && !key.Contains('$', StringComparison.Ordinal) && !key.Contains('{', StringComparison.Ordinal))
                    {
                        found.Add((Path.GetRelativePath(Repository.Root, file), key));
                    }
                }
            }
        }

        // The scan sees the keys it must (so a change of shape that hides them fails here rather than passes).
        Assert.Contains(found, f => f.File == Path.Combine("Cumin.Api", "appsettings.Development.json"));
        Assert.Contains(found, f => f.File.StartsWith("tests", StringComparison.Ordinal));
        Assert.Empty(found.Where(f => !PublishedSigningKeys.Contains(f.Key)).Select(f => $"{f.File}: {f.Key}"));
    }

    [Fact]
    public void Start_up_outside_development_refuses_every_published_key_and_accepts_a_secret_one()
    {
        foreach (var key in PublishedSigningKeys.All)
        {
            var options = new AuthOptions { SigningKey = key };
            var refused = Assert.Throws<InvalidOperationException>(() => options.Validate(Environment(Environments.Production)));
            Assert.Contains("published", refused.Message, StringComparison.Ordinal);
            options.Validate(Environment(Environments.Development));
        }

        new AuthOptions { SigningKey = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) }
            .Validate(Environment(Environments.Production));
        Assert.Throws<InvalidOperationException>(() => new AuthOptions { SigningKey = "short" }.Validate(Environment(Environments.Development)));
    }

    [Fact]
    public void Compose_requires_a_signing_key_instead_of_defaulting_one()
    {
        var api = ComposeService("Cumin.Api").Get("environment").Merged();
        Assert.Matches(@"^\$\{CUMIN_SIGNING_KEY:\?[^}]+\}$", api["Cumin__Auth__SigningKey"].Scalar());
    }

    // ------------------------------------------------------------------ trusted proxies (finding 1)

    [Fact]
    public void Compose_trusts_exactly_nginxs_fixed_address_as_the_apis_proxy()
    {
        var api = ComposeService("Cumin.Api").Get("environment").Merged();
        var nginx = Compose.Get("services").Get("nginx")!;
        var address = nginx.Get("networks").Get("default").Get("ipv4_address").Scalar();
        Assert.Equal(address, api["Cumin__ForwardedHeaders__KnownProxies__0"].Scalar());
        var subnet = Compose.Get("networks").Get("default").Get("ipam").Get("config").Items().Single().Get("subnet").Scalar()!;
        Assert.True(System.Net.IPNetwork.Parse(subnet).Contains(System.Net.IPAddress.Parse(address!)));
        Assert.Contains("proxy_set_header X-Forwarded-For $remote_addr;", File.ReadAllText(Repository.PathOf("deploy", "compose", "nginx.conf")), StringComparison.Ordinal);
    }

    [Fact]
    public void The_template_trusts_forwarded_headers_only_from_the_vpc_that_only_the_load_balancer_reaches_the_api_from()
    {
        var api = Container("api");
        Assert.Equal("VpcCidr", api["Cumin__ForwardedHeaders__KnownNetworks__0"].Scalar());
        Assert.Equal("!Ref", api["Cumin__ForwardedHeaders__KnownNetworks__0"].Tag.Value);
        Assert.Equal("1", api["Cumin__ForwardedHeaders__ForwardLimit"].Scalar());
        var ingress = Template.Get("Resources").Get("ApiSecurityGroup").Get("Properties").Get("SecurityGroupIngress").Items().ToList();
        Assert.All(ingress, rule => Assert.Equal("LoadBalancerSecurityGroup", rule.Get("SourceSecurityGroupId").Scalar()));
    }

    [Fact]
    public void Make_cluster_trusts_nginx_on_loopback_and_nginx_forwards_the_address_it_saw()
    {
        var script = File.ReadAllText(Repository.PathOf("scripts", "cluster.sh"));
        Assert.Contains("Cumin__ForwardedHeaders__KnownProxies__0=127.0.0.1", script, StringComparison.Ordinal);
        Assert.Contains("listen 127.0.0.1:", script, StringComparison.Ordinal);
        Assert.Contains("proxy_set_header X-Forwarded-For \\$remote_addr;", script, StringComparison.Ordinal);
    }

    // ------------------------------------------------------------------ dashboard and NGINX (finding 18)

    [Fact]
    public void The_silo_dashboard_is_off_by_default_and_in_every_deployment_and_on_in_make_run()
    {
        Assert.False(new Cumin.Silo.SiloOptions().Dashboard);
        Assert.Equal("false", ComposeService("Cumin.Silo").Get("environment").Merged()["Cumin__Orleans__Dashboard"].Scalar());
        Assert.Equal("false", Container("silo")["Cumin__Orleans__Dashboard"].Scalar());
        Assert.Contains("export Cumin__Orleans__Dashboard=true", File.ReadAllText(Repository.PathOf("scripts", "run.sh")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("deploy/compose/nginx.conf")]
    [InlineData("scripts/cluster.sh")]
    public void Nginx_hides_its_version_and_answers_its_own_errors_as_problem_json(string file)
    {
        var text = File.ReadAllText(Repository.PathOf(file.Split('/')));
        Assert.Contains("server_tokens off;", text, StringComparison.Ordinal);
        foreach (var status in new[] { "413", "502", "504" })
        {
            Assert.Contains($"error_page {status} /_cumin/{status};", text, StringComparison.Ordinal);
            Assert.Matches(
                $@"location = /_cumin/{status} \{{\s*internal;\s*default_type application/problem\+json;(\s*add_header [^;]+;)?\s*return {status} '\{{[^']*""status"":{status}[^']*\}}';\s*\}}",
                text);
        }
    }

    // ------------------------------------------------------------------ helpers

    private static readonly Regex[] KeyPatterns =
    [
        JsonKey(), AssignedKey(), ComposeDefault(), YamlKey(), KeyBytes(),
    ];

    [GeneratedRegex(@"""SigningKey""\s*:\s*""(?<key>[^""]+)""")]
    private static partial Regex JsonKey();

    [GeneratedRegex(@"SigningKey\s*=\s*""(?<key>[^""]+)""")]
    private static partial Regex AssignedKey();

    [GeneratedRegex(@"SIGNING_KEY:-(?<key>[^}]+)\}")]
    private static partial Regex ComposeDefault();

    [GeneratedRegex(@"(?:SigningKey|SIGNING_KEY)[""\]]*\s*:\s*""?(?<key>[^""\s]{16,})")]
    private static partial Regex YamlKey();

    [GeneratedRegex(@"GetBytes\(""(?<key>[^""]{16,})""\)")]
    private static partial Regex KeyBytes();

    private static IEnumerable<string> RepositoryTextFiles() =>
        Directory.EnumerateFiles(Repository.Root, "*", SearchOption.AllDirectories)
            .Where(f => TextExtensions.Contains(Path.GetExtension(f)) || Path.GetFileName(f) == "Dockerfile")
            .Where(f => !Path.GetRelativePath(Repository.Root, f).Split(Path.DirectorySeparatorChar)
                .Any(part => part is "bin" or "obj" or "node_modules" or ".git" or ".local"));

    private static HostingEnvironment Environment(string name) => new HostingEnvironment { EnvironmentName = name };

    private static YamlNode ComposeService(string project) =>
        Compose.Get("services").Entries().Single(s => s.Value.Get("build").Get("dockerfile").Scalar()?.Split('/')[0] == project).Value;

    private static Dictionary<string, YamlNode> Container(string name) =>
        Template.Get("Resources").Entries().Where(r => r.Value.Get("Type").Scalar() == "AWS::ECS::TaskDefinition")
            .SelectMany(r => r.Value.Get("Properties").Get("ContainerDefinitions").Items())
            .Single(c => c.Get("Name").Scalar() == name)
            .Get("Environment").Items().ToDictionary(v => v.Get("Name").Scalar()!, v => v.Get("Value")!);
}

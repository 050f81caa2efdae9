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
        var production = new AuthOptionsValidator(Environment(Environments.Production));
        var development = new AuthOptionsValidator(Environment(Environments.Development));
        foreach (var key in PublishedSigningKeys.All)
        {
            var options = new AuthOptions { SigningKey = key };
            var refused = production.Validate(null, options);
            Assert.True(refused.Failed);
            Assert.Contains("published", refused.FailureMessage, StringComparison.Ordinal);
            Assert.True(development.Validate(null, options).Succeeded);
        }

        Assert.True(production.Validate(null, new AuthOptions { SigningKey = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) }).Succeeded);
        var shortKey = development.Validate(null, new AuthOptions { SigningKey = "short" });
        Assert.True(shortKey.Failed);
        Assert.Contains("at least 32 bytes", shortKey.FailureMessage, StringComparison.Ordinal);
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
        Assert.Contains("proxy_set_header X-Forwarded-For $remote_addr;", NginxTemplate.Text, StringComparison.Ordinal);
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
        // It renders compose's template (scripts/nginx.sh, shared with the faults benchmark), listening on loopback only.
        var nginx = File.ReadAllText(Repository.PathOf("scripts", "nginx.sh"));
        Assert.Contains("source \"$(dirname \"$0\")/nginx.sh\"", script, StringComparison.Ordinal);
        Assert.Contains($"text=\"$(<\"$STACK_ROOT/{NginxTemplate.RelativePath}\")\"", nginx, StringComparison.Ordinal);
        Assert.Contains("[CUMIN_NGINX_LISTEN]=\"127.0.0.1:", nginx, StringComparison.Ordinal);
        Assert.Contains("listen ${CUMIN_NGINX_LISTEN};", NginxTemplate.Text, StringComparison.Ordinal);
        Assert.Contains("proxy_set_header X-Forwarded-For $remote_addr;", NginxTemplate.Text, StringComparison.Ordinal);
    }

    // ------------------------------------------------------------------ HTTPS (finding 6)

    [Fact]
    public void With_a_certificate_plain_http_only_redirects_and_https_answers_carry_hsts()
    {
        var resources = Template.Get("Resources")!;
        var http = resources.Get("HttpListener").Get("Properties").Get("DefaultActions").Items().Single();
        Assert.Equal("!If", http.Tag.Value);
        var (condition, whenCertificate) = (http.Items().ElementAt(0).Scalar(), http.Items().ElementAt(1));
        Assert.Equal("HasCertificate", condition);
        Assert.Equal("redirect", whenCertificate.Get("Type").Scalar());
        Assert.Equal("HTTPS", whenCertificate.Get("RedirectConfig").Get("Protocol").Scalar());

        // No rule forwards anything from the HTTP listener while a certificate is set: hubs' tokens travel only over TLS.
        foreach (var (name, rule) in resources.Entries().Where(r => r.Value.Get("Type").Scalar() == "AWS::ElasticLoadBalancingV2::ListenerRule"))
        {
            var listener = rule.Get("Properties").Get("ListenerArn")!;
            var onHttps = listener.Tag.Value == "!Ref" ? listener.Scalar() == "HttpsListener"
                : listener.Tag.Value == "!If" && listener.Items().First().Scalar() == "HasCertificate" && listener.Items().ElementAt(1).Scalar() == "HttpsListener";
            Assert.True(onHttps || rule.Get("Condition").Scalar() == "NoCertificate", $"{name} serves plain HTTP while a certificate is set");
        }

        var attributes = resources.Get("HttpsListener").Get("Properties").Get("ListenerAttributes").Items()
            .ToDictionary(a => a.Get("Key").Scalar()!, a => a.Get("Value").Scalar());
        Assert.Equal("max-age=31536000; includeSubDomains", attributes["routing.http.response.strict_transport_security.header_value"]);
    }

    // ------------------------------------------------------------------ database (finding 16)

    [Fact]
    public void Every_database_connection_verifies_the_server_certificate_and_each_component_has_its_own_role()
    {
        var resources = Template.Get("Resources")!;
        var connectionStrings = resources.Entries().Where(r => r.Key.EndsWith("ConnectionStringSecret", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, connectionStrings.Count);
        foreach (var (name, secret) in connectionStrings)
        {
            var text = secret.Get("Properties").Get("SecretString").Scalar()!;
            Assert.Contains("SSL Mode=VerifyFull;", text, StringComparison.Ordinal);
            Assert.Matches("Root Certificate=/(app|var/task)/rds-ca.pem", text);
            Assert.DoesNotContain("Trust Server Certificate", text, StringComparison.Ordinal);
        }

        Assert.Equal("SiloConnectionStringSecret", ContainerSecret("silo", "ConnectionStrings__Postgres"));
        Assert.Equal("ApiConnectionStringSecret", ContainerSecret("api", "ConnectionStrings__Postgres"));
        Assert.Equal("ConnectionStringSecret", ContainerSecret("migrate", "ConnectionStrings__Postgres"));
        foreach (var (component, secret) in new[] { ("Silo", "SiloDatabaseSecret"), ("Api", "ApiDatabaseSecret"), ("Aggregator", "AggregatorDatabaseSecret") })
        {
            Assert.Equal("${" + secret + "}:password::", ContainerSecret("migrate", $"Cumin__Database__Roles__{component}Password"));
            Assert.Contains($"Username={resources.Get(secret).Get("Properties").Get("GenerateSecretString").Get("SecretStringTemplate").Scalar()!.Split('"')[3]};",
                resources.Get($"{component}ConnectionStringSecret").Get("Properties").Get("SecretString").Scalar(), StringComparison.Ordinal);
        }

        Assert.Equal("false", Container("api")["Cumin__Orleans__ApplySchema"].Scalar());
        foreach (var project in new[] { "Cumin.Silo", "Cumin.Api", "Cumin.Lambdas.LocalRunner" })
        {
            Assert.Contains(File.ReadAllLines(Repository.PathOf(project, "Dockerfile")), l => l.StartsWith("ADD ", StringComparison.Ordinal) && l.EndsWith(" /app/rds-ca.pem", StringComparison.Ordinal));
        }

        Assert.Contains("out/lambdas/rds-ca.pem", File.ReadAllText(Repository.PathOf("deploy", "README.md")), StringComparison.Ordinal);
    }

    [Fact]
    public void No_lambda_holds_a_secret_in_its_environment_and_the_aggregator_reads_its_own_at_start()
    {
        var resources = Template.Get("Resources")!;
        foreach (var (name, function) in resources.Entries().Where(r => r.Value.Get("Type").Scalar() == "AWS::Lambda::Function"))
        {
            foreach (var (variable, value) in function.Get("Properties").Get("Environment").Get("Variables").Entries())
            {
                Assert.DoesNotContain("resolve:secretsmanager", value.Scalar() ?? "", StringComparison.Ordinal);
                Assert.NotEqual("ConnectionStrings__Postgres", variable);
            }
        }

        // The activity function logs in as the aggregator does.
        foreach (var name in new[] { "AggregatorFunction", "ActivityFunction" })
        {
            var function = resources.Get(name).Get("Properties")!;
            Assert.Equal("AggregatorConnectionStringSecret", function.Get("Environment").Get("Variables").Get("Cumin__Secrets__PostgresConnectionString").Scalar());
            Assert.Equal("SecretsExtensionLayerArn", function.Get("Layers").Items().Single().Scalar());
        }
    }

    // ------------------------------------------------------------------ exports (finding 3)

    [Fact]
    public void The_exporters_mapping_works_users_side_by_side_as_the_local_runner_does_and_a_job_outlives_every_attempt_before_it_is_stale()
    {
        var resources = Template.Get("Resources")!;
        var mapping = resources.Entries().Single(r => r.Value.Get("Type").Scalar() == "AWS::Lambda::EventSourceMapping"
            && r.Value.Get("Properties").Get("FunctionName").Scalar() == "ExporterFunction").Value.Get("Properties")!;
        Assert.Equal(
            Cumin.Lambdas.LocalRunner.EventSourceRunnerBuilder.ExporterParallelizationFactor.ToString(System.Globalization.CultureInfo.InvariantCulture),
            mapping.Get("ParallelizationFactor").Scalar());
        Assert.Equal("1", mapping.Get("BatchSize").Scalar());
        Assert.Equal(["pk"], resources.Get("JobsTable").Get("Properties").Get("KeySchema").Items()
            .Where(k => k.Get("KeyType").Scalar() == "HASH").Select(k => k.Get("AttributeName").Scalar()));

        // A job's record is retried until the job ends, as by the local runner, for at most MaximumRecordAgeInSeconds; it
        // is declared dead (and its owner's place freed) only after the last attempt Lambda may start has timed out.
        Assert.Equal(
            Cumin.Lambdas.LocalRunner.EventSourceRunnerBuilder.ExporterMaximumRetryAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
            mapping.Get("MaximumRetryAttempts").Scalar());
        var timeout = TimeSpan.FromSeconds(int.Parse(resources.Get("ExporterFunction").Get("Properties").Get("Timeout").Scalar()!, System.Globalization.CultureInfo.InvariantCulture));
        var age = TimeSpan.FromSeconds(int.Parse(mapping.Get("MaximumRecordAgeInSeconds").Scalar()!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(age + timeout < Cumin.Exports.ExportLimits.StaleAfter, $"records retried for {age}, the last attempt lasting up to {timeout}, outlast ExportLimits.StaleAfter");
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

    [Fact]
    public void Under_compose_the_silo_dashboard_is_opt_in_and_then_published_on_the_hosts_loopback_only()
    {
        Assert.Null(ComposeService("Cumin.Silo").Get("ports"));
        var services = Yaml.Load(Repository.PathOf("docker-compose.dashboard.yml")).Get("services");
        Assert.Equal(["silo"], services.Entries().Select(e => e.Key));
        var overlay = services.Get("silo")!;
        var environment = overlay.Get("environment").Merged();
        Assert.Equal(["Cumin__Orleans__Dashboard"], environment.Keys);
        Assert.Equal("true", environment["Cumin__Orleans__Dashboard"].Scalar());
        Assert.True(ProgramConfiguration.ForProject("Cumin.Silo").Reads("Cumin__Orleans__Dashboard"));
        var siloHttp = ComposeService("Cumin.Silo").Get("environment").Merged()["ASPNETCORE_HTTP_PORTS"].Scalar();
        var published = Assert.Single(overlay.Get("ports").Items()).Scalar()!;
        Assert.StartsWith("127.0.0.1:", published, StringComparison.Ordinal);
        Assert.EndsWith(":" + siloHttp, published, StringComparison.Ordinal);
    }

    [Fact]
    public void Nginx_hides_its_version_and_answers_its_own_errors_as_problem_json()
    {
        // The one configuration of compose and make cluster (both render it; see the tests above).
        var text = NginxTemplate.Text;
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

    private static string? ContainerSecret(string container, string variable) =>
        Template.Get("Resources").Entries().Where(r => r.Value.Get("Type").Scalar() == "AWS::ECS::TaskDefinition")
            .SelectMany(r => r.Value.Get("Properties").Get("ContainerDefinitions").Items())
            .Single(c => c.Get("Name").Scalar() == container)
            .Get("Secrets").Items().Single(s => s.Get("Name").Scalar() == variable).Get("ValueFrom").Scalar();

    private static Dictionary<string, YamlNode> Container(string name) =>
        Template.Get("Resources").Entries().Where(r => r.Value.Get("Type").Scalar() == "AWS::ECS::TaskDefinition")
            .SelectMany(r => r.Value.Get("Properties").Get("ContainerDefinitions").Items())
            .Single(c => c.Get("Name").Scalar() == name)
            .Get("Environment").Items().ToDictionary(v => v.Get("Name").Scalar()!, v => v.Get("Value")!);
}

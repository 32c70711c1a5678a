package dev.rds2bq.cdk.constructs;

import dev.rds2bq.cdk.config.DeployConfig;
import dev.rds2bq.cdk.config.Deployment;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import software.constructs.IDependable;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpoint;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.ISubnet;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpoint;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.Peer;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SecurityGroupImportOptions;
import software.amazon.awscdk.services.ec2.Subnet;
import software.amazon.awscdk.services.ec2.SubnetAttributes;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ec2.VpcAttributes;
import software.constructs.Construct;

/**
 * Where the functions run, imported from the deploy config without a lookup (synth stays offline).
 *
 * <ul>
 *   <li>Database path (PlanRun, ExportTable, and PublishTable with verifySourceCount): the replica's
 *       subnets, one security group that may reach the replica's port and HTTPS and nothing else. The
 *       replica's security group gets an inbound rule from it.</li>
 *   <li>AWS APIs from those subnets, with no internet route needed: an S3 gateway endpoint on their
 *       route tables (data, plans, config assets), and interface endpoints for Secrets Manager (the
 *       login, the hash key) and Step Functions (PlanRun's ListExecutions), which accept HTTPS from
 *       that security group only. Each can be switched off where the VPC already has it.</li>
 *   <li>Load path (StartLoads, CheckLoads): by default outside any VPC, where Lambda gives the function
 *       internet access to googleapis.com and public AWS endpoints. With {@code network.loadSubnets}
 *       it runs in those subnets instead, which must route to a NAT gateway.</li>
 * </ul>
 */
public final class Network extends Construct {
  private final IVpc vpc;
  private final SubnetSelection databaseSubnets;
  private final SecurityGroup databaseGroup;
  private final SubnetSelection loadSubnets;
  private final SecurityGroup loadGroup;
  private final List<IDependable> databasePath = new ArrayList<>();

  public Network(Construct scope, String id, Deployment deployment) {
    super(scope, id);
    DeployConfig.Network settings = deployment.config().network();
    LinkedHashSet<String> zones = new LinkedHashSet<>();
    settings.subnets().forEach(s -> zones.add(s.availabilityZone()));
    settings.loadSubnets().forEach(s -> zones.add(s.availabilityZone()));
    this.vpc = Vpc.fromVpcAttributes(this, "Vpc", VpcAttributes.builder()
        .vpcId(settings.vpcId())
        .availabilityZones(List.copyOf(zones))
        .build());
    this.databaseSubnets = selection("Subnet", settings.subnets());

    this.databaseGroup = SecurityGroup.Builder.create(this, "DatabaseFunctions")
        .vpc(vpc)
        .description("rds2bq functions that read the replica: its port, HTTPS to S3 and the VPC endpoints")
        .allowAllOutbound(false)
        .build();
    // HTTPS only to where the AWS APIs answer: S3 by its managed prefix list (the gateway endpoint's
    // routes, or S3's public ranges through a NAT gateway), the interface endpoints by their group.
    // No 0.0.0.0/0: a function reading the replica cannot send data anywhere else.
    databaseGroup.addEgressRule(Peer.prefixList(settings.s3PrefixListId()), Port.tcp(443),
        "HTTPS to S3 (its managed prefix list)");
    if (settings.endpointsSecurityGroupId() != null) {
      databaseGroup.addEgressRule(SecurityGroup.fromSecurityGroupId(this, "ExistingEndpoints",
          settings.endpointsSecurityGroupId(), SecurityGroupImportOptions.builder().mutable(false).build()),
          Port.tcp(443), "HTTPS to the VPC's own interface endpoints");
    }
    // One way in per source: its replica's security group and port, nothing else.
    for (DeployConfig.SourcePath source : deployment.config().sourcePaths()) {
      ISecurityGroup replica = SecurityGroup.fromSecurityGroupId(this, source.id(), source.securityGroupId(),
          SecurityGroupImportOptions.builder().mutable(source.addIngressRule()).allowAllOutbound(true).build());
      Port port = Port.tcp(source.port());
      String what = source.name() == null ? "the read replica" : "source " + source.name();
      String engine = "postgresql".equals(source.engine()) ? "PostgreSQL" : "MySQL";
      databaseGroup.addEgressRule(replica, port, engine + " to " + what);
      if (source.addIngressRule()) {
        replica.addIngressRule(databaseGroup, port, "rds2bq functions reading "
            + (source.name() == null ? "the replica" : what));
        databasePath.add(replica);
      }
    }
    databasePath.add(databaseGroup);

    DeployConfig.Endpoints endpoints = settings.endpoints();
    if (endpoints.s3()) {
      databasePath.add(GatewayVpcEndpoint.Builder.create(this, "S3Endpoint")
          .vpc(vpc)
          .service(GatewayVpcEndpointAwsService.S3)
          .subnets(List.of(databaseSubnets))
          .build());
    }
    if (endpoints.anyInterface()) {
      SecurityGroup endpointGroup = SecurityGroup.Builder.create(this, "Endpoints")
          .vpc(vpc)
          .description("rds2bq interface endpoints: HTTPS from the rds2bq database functions")
          .allowAllOutbound(false)
          .build();
      endpointGroup.addIngressRule(databaseGroup, Port.tcp(443), "HTTPS from the rds2bq database functions");
      databaseGroup.addEgressRule(endpointGroup, Port.tcp(443), "HTTPS to the rds2bq interface endpoints");
      databasePath.add(endpointGroup);
      if (endpoints.secretsManager()) {
        interfaceEndpoint("SecretsManagerEndpoint", InterfaceVpcEndpointAwsService.SECRETS_MANAGER, endpointGroup);
      }
      if (endpoints.stepFunctions()) {
        interfaceEndpoint("StepFunctionsEndpoint", InterfaceVpcEndpointAwsService.STEP_FUNCTIONS, endpointGroup);
      }
      if (endpoints.kms()) {
        interfaceEndpoint("KmsEndpoint", InterfaceVpcEndpointAwsService.KMS, endpointGroup);
      }
    }

    if (deployment.loadsInVpc()) {
      this.loadSubnets = selection("LoadSubnet", settings.loadSubnets());
      this.loadGroup = SecurityGroup.Builder.create(this, "LoadFunctions")
          .vpc(vpc)
          .description("rds2bq load functions: HTTPS out through the NAT gateway (googleapis.com, AWS APIs)")
          .allowAllOutbound(false)
          .build();
      loadGroup.addEgressRule(Peer.anyIpv4(), Port.tcp(443), "HTTPS to googleapis.com and AWS APIs");
    } else {
      this.loadSubnets = null;
      this.loadGroup = null;
    }
  }

  private SubnetSelection selection(String idPrefix, List<DeployConfig.Subnet> subnets) {
    List<ISubnet> imported = subnets.stream().map(s -> Subnet.fromSubnetAttributes(this, idPrefix + "-" + s.id(),
        SubnetAttributes.builder()
            .subnetId(s.id())
            .availabilityZone(s.availabilityZone())
            .routeTableId(s.routeTableId())
            .build())).toList();
    return SubnetSelection.builder().subnets(imported).build();
  }

  private void interfaceEndpoint(String id, InterfaceVpcEndpointAwsService service, SecurityGroup group) {
    databasePath.add(InterfaceVpcEndpoint.Builder.create(this, id)
        .vpc(vpc)
        .service(service)
        .subnets(databaseSubnets)
        .securityGroups(List.of(group))
        .privateDnsEnabled(true)
        .open(false)
        .build());
  }

  /**
   * What a database function's init needs in place: SnapStart runs the handler's constructor (config
   * from S3, the login from Secrets Manager) when the version is published, during the deploy, so
   * those functions depend on the security group rules and endpoints.
   */
  public List<IDependable> databasePath() {
    return List.copyOf(databasePath);
  }

  public IVpc vpc() {
    return vpc;
  }

  public SubnetSelection databaseSubnets() {
    return databaseSubnets;
  }

  public SecurityGroup databaseGroup() {
    return databaseGroup;
  }

  /** Null when the load functions run outside the VPC. */
  public SubnetSelection loadSubnets() {
    return loadSubnets;
  }

  public SecurityGroup loadGroup() {
    return loadGroup;
  }
}

package dev.gantry.server.cli;

import picocli.CommandLine.IVersionProvider;

/** {@code gantry --version}: the version written into the runnable jar's manifest. */
public final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = VersionProvider.class.getPackage().getImplementationVersion();
    return new String[] {"Gantry " + (version == null ? "(development build)" : version)};
  }
}

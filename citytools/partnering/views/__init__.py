"""Pages of the Invitation to Partner, one module per part of the process."""

from citytools.cli import main

main()

from pingtai_cli.cli import main

main()

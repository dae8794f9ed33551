"""``python -m spinnet``: the same command line as the ``spinnet`` script."""

from spinnet.cli import main

if __name__ == "__main__":
    main()

#!/usr/bin/env node
import '../src/violet/cli.ts';
